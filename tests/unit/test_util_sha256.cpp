#include "lib/util/sha256.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

using opsctl::util::Sha256;
using opsctl::util::sha256_hex;

// Known answers from FIPS 180-4's examples and NIST's test vectors: event hashes and backup
// checksums written by earlier versions must still verify.
TEST_CASE("sha256") {
    SUBCASE("the empty input") {
        CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
    SUBCASE("one block") {
        CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
    SUBCASE("the padding spills into a second block") {
        CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    }
    SUBCASE("a million bytes fed in uneven pieces") {
        Sha256 sha;
        const std::string piece(999, 'a');
        std::size_t left = 1000000;
        while (left > 0) {
            const std::size_t n = std::min(left, piece.size());
            sha.update(piece.data(), n);
            left -= n;
        }
        CHECK(sha.hex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        // hex() starts the hash over.
        sha.update("abc");
        CHECK(sha.hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
    SUBCASE("UTF-8 text is hashed as its bytes") {
        // printf '数据库' | sha256sum
        CHECK(sha256_hex("数据库") == "263200d7d529b522a90256e58f495caf7f1534daf51c7df437a9c2b4eac2619a");
    }
}
