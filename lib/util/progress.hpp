#pragma once
// How far a bulk import has got, for a progress line (the caller decides whether and how to
// show it).

#include <cstdint>
#include <functional>
#include <istream>

namespace opsctl::util {

struct RowProgress {
    std::int64_t checked = 0;    // rows read and checked
    std::int64_t written = 0;    // rows handed to the database
    std::int64_t bytes_read = 0; // of the input, 0 when it cannot tell (a pipe)
};

/// Called now and then (every few hundred rows) from the thread that reads the input.
using RowProgressFn = std::function<void(const RowProgress&)>;

/// How far into `in` reading has got (its buffer's position, whatever the stream's state),
/// or 0 when it cannot tell (a pipe). Leaves the stream's state as it was.
inline std::int64_t bytes_read(std::istream& in) {
    if (!in.rdbuf()) {
        return 0;
    }
    const auto pos = in.rdbuf()->pubseekoff(0, std::ios::cur, std::ios::in);
    return pos == std::streampos(-1) ? 0 : static_cast<std::int64_t>(pos);
}

} // namespace opsctl::util
