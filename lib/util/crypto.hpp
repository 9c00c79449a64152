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
};

/// libcrypto's functions, loaded once (thread-safe); throws Failure when it cannot be loaded.
const Crypto& crypto();

} // namespace opsctl::util
