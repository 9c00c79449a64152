#include "lib/util/file.hpp"

#include "lib/core/error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <fmt/format.h>
#include <streambuf>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

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

std::filesystem::path random_temp_name(const std::filesystem::path& target,
                                       std::string_view suffix) {
    unsigned char random[8];
    if (::getentropy(random, sizeof random) != 0) {
        fail(target, errno);
    }
    std::string hex;
    for (const unsigned char b : random) {
        hex += fmt::format("{:02x}", b);
    }
    return target.parent_path() / fmt::format(".{}.{}.{}", target.filename().string(), hex, suffix);
}

AtomicFile::AtomicFile(std::filesystem::path target, mode_t mode, std::string_view temp_suffix)
    : m_target(std::move(target)) {
    // A random name, as mkstemp makes, created with O_EXCL|O_NOFOLLOW: a name planted in
    // advance (file or symlink) makes the open fail instead of being written through.
    for (int attempt = 0; attempt < 100; ++attempt) {
        m_temp = random_temp_name(m_target, temp_suffix);
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

namespace {

// A stream buffer that hands full buffers to an AtomicFile. A write error is kept and
// rethrown after the producer returns: iostreams would otherwise turn it into a bare badbit.
class AtomicFileBuffer : public std::streambuf {
  public:
    explicit AtomicFileBuffer(AtomicFile& file) : m_file(file), m_buffer(64 * 1024) {
        setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
    }
    void rethrow() const {
        if (m_error) {
            std::rethrow_exception(m_error);
        }
    }

  protected:
    int_type overflow(int_type ch) override {
        if (!flush_buffer()) {
            return traits_type::eof();
        }
        if (!traits_type::eq_int_type(ch, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(ch);
            pbump(1);
        }
        return traits_type::not_eof(ch);
    }
    int sync() override { return flush_buffer() ? 0 : -1; }

  private:
    bool flush_buffer() {
        if (m_error) {
            return false;
        }
        try {
            m_file.write(std::string_view(pbase(), static_cast<std::size_t>(pptr() - pbase())));
        } catch (...) {
            m_error = std::current_exception();
            return false;
        }
        setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
        return true;
    }

    AtomicFile& m_file;
    std::vector<char> m_buffer;
    std::exception_ptr m_error;
};

} // namespace

void write_file_atomic(const std::filesystem::path& path, mode_t mode,
                       const std::function<void(std::ostream&)>& produce) {
    AtomicFile file(path, mode);
    AtomicFileBuffer buffer(file);
    std::ostream out(&buffer);
    produce(out);
    out.flush();
    buffer.rethrow();
    if (!out) {
        fail(path, EIO);
    }
    file.commit();
}

} // namespace opsctl::util
