#pragma once
// SHA-256 of short texts (event hashes). libcrypto is fast on long inputs (it uses the CPU's
// SHA instructions) but opening it and initialising OpenSSL cost about 9M instructions, more
// than all the rest of a command that writes one event. Short runs hash in-process instead.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace opsctl::util {

/// The SHA-256 digest of `data`, computed in-process (FIPS 180-4), without libcrypto.
std::array<std::uint8_t, 32> sha256_builtin(std::string_view data);

/// The SHA-256 of `data` as 64 lower-case hex digits: in-process for the first calls of a
/// process (a command writes a handful of events), through libcrypto once many are hashed (an
/// import), where its SHA instructions win. Both give the same digest.
std::string sha256_hex(std::string_view data);

} // namespace opsctl::util
