#include "lib/util/spool.hpp"

#include "lib/core/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vector>

namespace opsctl::util {

namespace {

std::string temp_folder() {
    const char* t = std::getenv("TMPDIR");
    return t && *t ? t : "/tmp";
}

// Writes all of `data`, retrying short writes and EINTR; false with errno set otherwise.
bool write_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (n == 0) {
                errno = EIO;
            }
            return false;
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

int spool(std::istream& in) {
    const std::string folder = temp_folder();
    std::string name = folder + "/opsctl-stdin.XXXXXX";
    const int fd = ::mkstemp(name.data());
    if (fd < 0) {
        throw Failure(fmt::format("cannot keep standard input in '{}': {}", folder, std::strerror(errno)),
                      "set TMPDIR to a folder opsctl may write");
    }
    ::unlink(name.c_str());
    std::vector<char> chunk(1 << 20);
    while (in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        const auto got = static_cast<std::size_t>(in.gcount());
        if (got > 0 && !write_all(fd, chunk.data(), got)) {
            const int err = errno;
            ::close(fd);
            throw Failure(fmt::format("cannot keep standard input in '{}': {}", folder, std::strerror(err)),
                          "free some space there, or set TMPDIR to another folder");
        }
    }
    if (in.bad()) {
        ::close(fd);
        throw Failure("cannot read standard input");
    }
    if (::lseek(fd, 0, SEEK_SET) != 0) {
        const int err = errno;
        ::close(fd);
        throw Failure(fmt::format("cannot read back standard input from '{}': {}", folder, std::strerror(err)));
    }
    return fd;
}

} // namespace

SpooledInput::SpooledInput(std::istream& in)
    : m_buffer(std::make_unique<__gnu_cxx::stdio_filebuf<char>>(spool(in), std::ios::in | std::ios::binary)),
      m_stream(m_buffer.get()) {}

} // namespace opsctl::util
