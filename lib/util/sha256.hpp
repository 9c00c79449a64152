#pragma once
// SHA-256 from OpenSSL's libcrypto, linked statically: only its SHA-256 objects (about 40 KB,
// with the block functions for SSSE3, AVX2 and the SHA instructions, chosen at start) end up
// in the binary. Opening libcrypto.so and initialising its providers for the first EVP digest
// cost 9M instructions, more than the rest of a command that writes one event.

#ifndef OPENSSL_SUPPRESS_DEPRECATED
#define OPENSSL_SUPPRESS_DEPRECATED
#endif
#include <openssl/sha.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace opsctl::util {

/// An incremental SHA-256 (FIPS 180-4).
class Sha256 {
public:
    Sha256();
    /// Adds bytes.
    void update(const void* data, std::size_t size);
    /// Adds the bytes of a text.
    void update(std::string_view text) { update(text.data(), text.size()); }
    /// The 32-byte digest; the hash starts over afterwards.
    std::array<std::uint8_t, 32> digest();
    /// The digest as 64 lower-case hex digits; the hash starts over afterwards.
    std::string hex();

private:
    SHA256_CTX m_ctx;
};

/// The SHA-256 of `data` as 64 lower-case hex digits.
std::string sha256_hex(std::string_view data);

} // namespace opsctl::util
