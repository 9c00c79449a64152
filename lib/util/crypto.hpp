#pragma once
// libcrypto (OpenSSL), opened on the first digest (see lib/util/dynlib.hpp): only commands
// that write events or archives hash, and loading it costs every other command ~1 ms.

#include <openssl/evp.h>

namespace opsctl::util {

/// The libcrypto functions opsctl uses.
struct Crypto {
    decltype(&::EVP_sha256) sha256;
    decltype(&::EVP_Digest) digest;
    decltype(&::EVP_MD_CTX_new) md_ctx_new;
    decltype(&::EVP_MD_CTX_free) md_ctx_free;
    decltype(&::EVP_DigestInit_ex) digest_init;
    decltype(&::EVP_DigestUpdate) digest_update;
    decltype(&::EVP_DigestFinal_ex) digest_final;
    decltype(&::EVP_MD_fetch) md_fetch;
    /// SHA-256 fetched from the default provider once. EVP_sha256() hands out a legacy
    /// descriptor that EVP_DigestInit_ex and EVP_Digest look up in the provider again on every
    /// call, which costs more than hashing a short text.
    const EVP_MD* sha256_md = nullptr;
};

/// libcrypto's functions, loaded once (thread-safe); throws Failure when it cannot be loaded.
const Crypto& crypto();

} // namespace opsctl::util
