#include "lib/util/file.hpp"

#include "lib/core/error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

namespace opsctl::util {

std::optional<std::string> read_bounded(int fd, std::size_t expected, std::size_t limit) {
    std::string text(std::min(expected, limit + 1), '\0');
    std::size_t got = 0;
    for (;;) {
        if (got == text.size()) {
            // The file may have grown since its size was taken: read on, within the limit.
            if (text.size() >= limit + 1) {
                break;
            }
            text.resize(std::min<std::size_t>(text.size() + 4096, limit + 1));
        }
        const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return std::nullopt;
        }
        if (n == 0) {
            break;
        }
        got += static_cast<std::size_t>(n);
    }
    text.resize(got);
    return text;
}

} // namespace opsctl::util

namespace opsctl::util {
namespace {

[[noreturn]] void fail(const std::filesystem::path& target, int err) {
    throw Failure(fmt::format("cannot write '{}'", target.string()), std::strerror(err));
}

void fsync_folder(const std::filesystem::path& folder) {
    const int dfd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

} // namespace

AtomicFile::AtomicFile(std::filesystem::path target, mode_t mode) : m_target(std::move(target)) {
    const std::filesystem::path folder = m_target.parent_path();
    // A random suffix, as mkstemp makes, created with O_EXCL|O_NOFOLLOW: a name planted in
    // advance (file or symlink) makes the open fail instead of being written through.
    unsigned char random[8];
    for (int attempt = 0; attempt < 100; ++attempt) {
        if (::getentropy(random, sizeof random) != 0) {
            fail(m_target, errno);
        }
        std::string suffix;
        for (const unsigned char b : random) {
            suffix += fmt::format("{:02x}", b);
        }
        m_temp = folder / fmt::format(".{}.{}.tmp", m_target.filename().string(), suffix);
        m_fd = ::open(m_temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (m_fd >= 0) {
            // The umask may have taken bits the caller asked for (or left none to take).
            ::fchmod(m_fd, mode);
            return;
        }
        if (errno != EEXIST) {
            fail(m_target, errno);
        }
    }
    fail(m_target, EEXIST);
}

AtomicFile::~AtomicFile() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
    if (!m_committed && !m_temp.empty()) {
        ::unlink(m_temp.c_str());
    }
}

void AtomicFile::write(std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(m_fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            fail(m_target, n < 0 ? errno : ENOSPC);
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

void AtomicFile::commit() {
    if (::fsync(m_fd) != 0) {
        fail(m_target, errno);
    }
    const int rc = ::close(m_fd);
    m_fd = -1;
    if (rc != 0) {
        fail(m_target, errno);
    }
    if (::rename(m_temp.c_str(), m_target.c_str()) != 0) {
        fail(m_target, errno);
    }
    m_committed = true;
    fsync_folder(m_target.parent_path());
}

void write_file_atomic(const std::filesystem::path& path, std::string_view content, mode_t mode) {
    AtomicFile file(path, mode);
    file.write(content);
    file.commit();
}

} // namespace opsctl::util
