#include "lib/backup/hash.hpp"

#include "lib/core/error.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

namespace opsctl::backup {

struct Sha256::State {
    EVP_MD_CTX* ctx = nullptr;
};

Sha256::Sha256() : m_state(std::make_unique<State>()) {
    m_state->ctx = EVP_MD_CTX_new();
    if (m_state->ctx == nullptr || EVP_DigestInit_ex(m_state->ctx, EVP_sha256(), nullptr) != 1) {
        throw Failure("cannot start a SHA-256 digest (OpenSSL)");
    }
}

Sha256::~Sha256() { EVP_MD_CTX_free(m_state->ctx); }

void Sha256::update(const void* data, std::size_t size) {
    if (size > 0) {
        EVP_DigestUpdate(m_state->ctx, data, size);
    }
}

std::string Sha256::hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(m_state->ctx, digest, &len);
    EVP_DigestInit_ex(m_state->ctx, EVP_sha256(), nullptr);
    static const char* k_hex = "0123456789abcdef";
    std::string out;
    out.reserve(len * 2);
    for (unsigned int i = 0; i < len; ++i) {
        out.push_back(k_hex[digest[i] >> 4]);
        out.push_back(k_hex[digest[i] & 15]);
    }
    return out;
}

FileDigest hash_file(const std::filesystem::path& path, const std::function<void(std::int64_t)>& progress) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw Failure(fmt::format("cannot read '{}': {}", path.string(), std::strerror(errno)));
    }
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    Sha256 sha;
    FileDigest d;
    // Large reads keep the per-call overhead far below the hashing cost.
    std::vector<char> buf(1 << 20);
    while (true) {
        const ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            const int e = errno;
            ::close(fd);
            throw Failure(fmt::format("cannot read '{}': {}", path.string(), std::strerror(e)));
        }
        if (n == 0) {
            break;
        }
        sha.update(buf.data(), static_cast<std::size_t>(n));
        d.size += n;
        if (progress) {
            progress(d.size);
        }
    }
    ::close(fd);
    d.sha256 = sha.hex();
    return d;
}

} // namespace opsctl::backup
