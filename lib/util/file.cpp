#include "lib/util/file.hpp"

#include <algorithm>
#include <cerrno>
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
