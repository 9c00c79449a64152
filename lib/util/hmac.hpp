#pragma once
// HMAC-SHA256 (RFC 2104) over util::Sha256, and the encodings that signed URLs need: Base64
// (RFC 4648) and percent-encoding (RFC 3986). Built on the SHA-256 of libcrypto that is already
// linked, rather than libcrypto's HMAC, which would pull in its EVP providers (see sha256.hpp).

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace opsctl::util {

/// HMAC-SHA256 of `message` under `key`: the 32-byte digest.
std::array<std::uint8_t, 32> hmac_sha256(std::string_view key, std::string_view message);

/// Bytes as standard Base64 with padding ("+" and "/", "=").
std::string base64(std::string_view bytes);

/// Text percent-encoded for a URL query value: every byte but A-Z a-z 0-9 - . _ ~ as %XX.
std::string percent_encode(std::string_view text);

} // namespace opsctl::util
