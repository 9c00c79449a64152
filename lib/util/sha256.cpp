#include "lib/util/sha256.hpp"

namespace opsctl::util {

// The low-level SHA256_* functions are deprecated in OpenSSL 3 in favour of EVP, but they
// run the same assembly without the provider machinery, and they stay in every 3.x release.
Sha256::Sha256() { SHA256_Init(&m_ctx); }

void Sha256::update(const void* data, std::size_t size) {
    if (size > 0) {
        SHA256_Update(&m_ctx, data, size);
    }
}

std::array<std::uint8_t, 32> Sha256::digest() {
    std::array<std::uint8_t, 32> out{};
    SHA256_Final(out.data(), &m_ctx);
    SHA256_Init(&m_ctx);
    return out;
}

std::string Sha256::hex() {
    static constexpr char k_hex[] = "0123456789abcdef";
    const auto d = digest();
    std::string out(d.size() * 2, '0');
    for (std::size_t i = 0; i < d.size(); ++i) {
        out[2 * i] = k_hex[d[i] >> 4];
        out[2 * i + 1] = k_hex[d[i] & 0xf];
    }
    return out;
}

std::string sha256_hex(std::string_view data) {
    Sha256 sha;
    sha.update(data);
    return sha.hex();
}

} // namespace opsctl::util
