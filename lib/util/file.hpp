#pragma once
// Reading a whole file from an open descriptor, bounded.

#include <cstddef>
#include <optional>
#include <string>

namespace opsctl::util {

/// The rest of `fd` (a regular file, read from its current offset) with as few reads as it
/// takes: `expected` bytes (its fstat size) are read in one go, and more if it grew, up to
/// `limit` + 1 bytes so that the caller can tell a file over the limit. nullopt on a read error.
std::optional<std::string> read_bounded(int fd, std::size_t expected, std::size_t limit);

} // namespace opsctl::util
