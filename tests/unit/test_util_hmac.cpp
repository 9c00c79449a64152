// HMAC-SHA256 against RFC 4231's vectors, Base64 against RFC 4648's, percent-encoding.
#include "lib/util/hmac.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <string>

using namespace opsctl;

namespace {

std::string hex(const std::array<std::uint8_t, 32>& d) {
    std::string out;
    char buf[3];
    for (const auto b : d) {
        std::snprintf(buf, sizeof buf, "%02x", b);
        out += buf;
    }
    return out;
}

} // namespace

TEST_CASE("util hmac_sha256") {
    SUBCASE("RFC 4231 test case 2: a short key") {
        CHECK(hex(util::hmac_sha256("Jefe", "what do ya want for nothing?")) ==
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
    SUBCASE("RFC 4231 test case 6: a key longer than the block is hashed first") {
        CHECK(hex(util::hmac_sha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")) ==
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }
    SUBCASE("a 100-byte key and an empty message") {
        CHECK(hex(util::hmac_sha256(std::string(100, 'k'), "msg")) ==
              "bd56a1782c2830e8abc6ed866a57a1230661e650b84c62f7ee3accc5fa5af491");
    }
}

TEST_CASE("util base64 and percent_encode") {
    // RFC 4648 section 10.
    CHECK(util::base64("") == "");
    CHECK(util::base64("f") == "Zg==");
    CHECK(util::base64("fo") == "Zm8=");
    CHECK(util::base64("foo") == "Zm9v");
    CHECK(util::base64("foob") == "Zm9vYg==");
    CHECK(util::base64("fooba") == "Zm9vYmE=");
    CHECK(util::base64("foobar") == "Zm9vYmFy");
    CHECK(util::base64("\xff\xfe") == "//4=");
    CHECK(util::percent_encode("a+b/c=d e~_.-") == "a%2Bb%2Fc%3Dd%20e~_.-");
    CHECK(util::percent_encode("值班") == "%E5%80%BC%E7%8F%AD");
}
