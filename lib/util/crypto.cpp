#include "lib/util/crypto.hpp"

#include "lib/util/dynlib.hpp"

namespace opsctl::util {

const Crypto& crypto() {
    static const Crypto api = [] {
        const DynamicLibrary lib("libcrypto.so.3", "SHA-256 digests (events and backups)", "libssl3");
        Crypto c{};
        lib.bind(c.sha256, "EVP_sha256");
        lib.bind(c.digest, "EVP_Digest");
        lib.bind(c.md_ctx_new, "EVP_MD_CTX_new");
        lib.bind(c.md_ctx_free, "EVP_MD_CTX_free");
        lib.bind(c.digest_init, "EVP_DigestInit_ex");
        lib.bind(c.digest_update, "EVP_DigestUpdate");
        lib.bind(c.digest_final, "EVP_DigestFinal_ex");
        lib.bind(c.md_fetch, "EVP_MD_fetch");
        // Kept for the life of the process (never freed, like the library itself).
        c.sha256_md = c.md_fetch(nullptr, "SHA256", nullptr);
        if (c.sha256_md == nullptr) {
            c.sha256_md = c.sha256();
        }
        return c;
    }();
    return api;
}

} // namespace opsctl::util
