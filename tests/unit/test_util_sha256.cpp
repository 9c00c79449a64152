#include "lib/util/crypto.hpp"
#include "lib/util/sha256.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace opsctl;

namespace {

std::string hex(const std::array<std::uint8_t, 32>& d) {
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out;
    for (const auto b : d) {
        out += k_hex[b >> 4];
        out += k_hex[b & 0xf];
    }
    return out;
}

std::string libcrypto_hex(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    const auto& c = util::crypto();
    c.digest(data.data(), data.size(), digest, &len, c.sha256(), nullptr);
    std::array<std::uint8_t, 32> d{};
    for (unsigned int i = 0; i < len && i < d.size(); ++i) {
        d[i] = digest[i];
    }
    return hex(d);
}

} // namespace

TEST_CASE("sha256") {
    SUBCASE("the FIPS 180-4 examples") {
        CHECK(hex(util::sha256_builtin("")) ==
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        CHECK(hex(util::sha256_builtin("abc")) ==
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        CHECK(
            hex(util::sha256_builtin("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        CHECK(hex(util::sha256_builtin(std::string(1000000, 'a'))) ==
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }
    SUBCASE(
        "every length around the block boundaries matches libcrypto (event chains stay valid)") {
        std::string text;
        for (int n = 0; n <= 200; ++n) {
            CHECK(hex(util::sha256_builtin(text)) == libcrypto_hex(text));
            text += static_cast<char>("数据库 event\x1f"[n % 15]);
        }
    }
    SUBCASE("sha256_hex gives the same digest before and after it switches to libcrypto") {
        const std::string event = "prev\x1f"
                                  "1791511200\x1f"
                                  "bench\x1fticket\x1f"
                                  "42\x1f"
                                  "created\x1f{}";
        const std::string expected = libcrypto_hex(event);
        for (int i = 0; i < 200; ++i) {
            REQUIRE(util::sha256_hex(event) == expected);
        }
    }
}
