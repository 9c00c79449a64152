#include "lib/util/unicode.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

using namespace opsctl::util;

TEST_CASE("is_valid_utf8") {
    SUBCASE("ascii, Chinese and emoji are valid") {
        CHECK(is_valid_utf8(""));
        CHECK(is_valid_utf8("bob"));
        CHECK(is_valid_utf8("张伟 机房巡检"));
        CHECK(is_valid_utf8("\xF0\x9F\x98\x80")); // U+1F600
    }
    SUBCASE("broken sequences are invalid") {
        CHECK_FALSE(is_valid_utf8("\xFF"));
        CHECK_FALSE(is_valid_utf8("\xE5\xBC"));         // 张 cut after two bytes
        CHECK_FALSE(is_valid_utf8("a\x80z"));           // stray continuation byte
        CHECK_FALSE(is_valid_utf8("\xC0\xAF"));         // overlong '/'
        CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));     // overlong '/'
        CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));     // surrogate U+D800
        CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80")); // above U+10FFFF
    }
}

TEST_CASE("decode_utf8 and append_utf8") {
    const std::string s = "a张\xF0\x9F\x98\x80";
    CodePoint c = decode_utf8(s, 0);
    CHECK(c.valid);
    CHECK(c.value == U'a');
    c = decode_utf8(s, 1);
    CHECK(c.value == U'张');
    CHECK(c.length == 3);
    c = decode_utf8(s, 4);
    CHECK(c.value == 0x1F600);
    CHECK(c.length == 4);
    c = decode_utf8("\xE5\xBC", 0);
    CHECK_FALSE(c.valid);
    CHECK(c.length == 1);

    std::string out;
    for (char32_t cp : {U'a', U'é', U'张', char32_t{0x1F600}}) {
        append_utf8(out, cp);
    }
    CHECK(out == "aé张\xF0\x9F\x98\x80");
}

TEST_CASE("display_width") {
    SUBCASE("CJK, kana, Hangul, fullwidth and emoji take two columns") {
        CHECK(display_width("bob") == 3);
        CHECK(display_width("张伟") == 4);
        CHECK(display_width("カタカナ") == 8);
        CHECK(display_width("한국") == 4);
        CHECK(display_width("ＡＢ") == 4);             // fullwidth forms
        CHECK(display_width("，。") == 4);             // CJK punctuation
        CHECK(display_width("\xF0\x9F\x98\x80") == 2); // 😀
        CHECK(display_width("\xF0\xA0\x80\x80") == 2); // U+20000, CJK extension B
    }
    SUBCASE("combining marks and zero-width characters take none") {
        CHECK(display_width("e\xCC\x81") == 1);    // e + combining acute
        CHECK(display_width("a\u200Bb") == 2);     // zero-width space
        CHECK(display_width("\xEF\xBB\xBF") == 0); // BOM / ZWNBSP
    }
    SUBCASE("invalid bytes take one column each") {
        CHECK(display_width("\xFF\xFE") == 2);
        CHECK(display_width("\xE5\xBC") == 2);
    }
    SUBCASE("mixed text") {
        CHECK(display_width("服务器 web-01") == 13);
        // The ends of the CJK Unified Ideographs block, and past it.
        CHECK(display_width("\u4E00\u9FFF\uA000") == 6);
        CHECK(display_width("\u4DFF") == 1); // a hexagram symbol: narrow
        CHECK(display_width("ab\x1b[2J") == 5); // ESC draws nothing
    }
}

TEST_CASE("sanitize_for_terminal") {
    SUBCASE("printable text, including Chinese, is unchanged") {
        CHECK(sanitize_for_terminal("张伟 bob, C:\\tmp") == "张伟 bob, C:\\tmp");
    }
    SUBCASE("controls are escaped") {
        CHECK(sanitize_for_terminal("a\nb\tc\rd") == "a\\nb\\tc\\rd");
        CHECK(sanitize_for_terminal("\x1b[31mred\x1b[0m") == "\\e[31mred\\e[0m");
        CHECK(sanitize_for_terminal("bell\x07") == "bell\\x07");
        CHECK(sanitize_for_terminal(std::string("nul\0!", 5)) == "nul\\x00!");
        CHECK(sanitize_for_terminal("del\x7f") == "del\\x7f");
        CHECK(sanitize_for_terminal("csi\xC2\x9B[2J") == "csi\\u{9b}[2J"); // C1 CSI
    }
    SUBCASE("escapes inside and between runs of Chinese and ASCII text") {
        CHECK(sanitize_for_terminal("数据库\x1b[2J连接\u202E失败\xE5\xBC") ==
              "数据库\\e[2J连接\\u{202e}失败\\xe5\\xbc");
        CHECK(sanitize_for_terminal("db\u00A0主机\xC2\x85x") == "db\u00A0主机\\u{85}x");
    }
    SUBCASE("bidi overrides cannot reorder a cell") {
        CHECK(sanitize_for_terminal("ab\u202Ecd") == "ab\\u{202e}cd");
    }
    SUBCASE("invalid bytes are shown as \\xNN") {
        CHECK(sanitize_for_terminal("a\xFF-b") == "a\\xff-b");
        CHECK(sanitize_for_terminal("\xE5\xBC") == "\\xe5\\xbc");
    }
    SUBCASE("the result never holds a control byte or a broken sequence") {
        std::string all;
        for (int b = 0; b < 256; ++b) {
            all += static_cast<char>(b);
        }
        const std::string safe = sanitize_for_terminal(all);
        CHECK(is_valid_utf8(safe));
        for (unsigned char ch : safe) {
            CHECK((ch >= 0x20 && ch != 0x7F));
        }
    }
}

TEST_CASE("truncate_to_width") {
    SUBCASE("text that fits is unchanged") {
        CHECK(truncate_to_width("bob", 3) == "bob");
        CHECK(truncate_to_width("张伟", 4) == "张伟");
    }
    SUBCASE("a cut ends with an ellipsis and fits the width") {
        CHECK(truncate_to_width("abcdef", 4) == "abc…");
        CHECK(truncate_to_width("abcdef", 1) == "…");
        CHECK(truncate_to_width("abcdef", 0) == "");
    }
    SUBCASE("a wide character that does not fit is dropped whole") {
        CHECK(truncate_to_width("张伟丽", 4) == "张…");
        CHECK(display_width(truncate_to_width("张伟丽", 4)) == 3);
        CHECK(truncate_to_width("张伟丽", 5) == "张伟…");
    }
    SUBCASE("combining marks stay with their letter") {
        CHECK(truncate_to_width("e\u0301abc", 2) == "e\u0301…");
    }
    SUBCASE("no width ever leaves a broken UTF-8 sequence") {
        const std::string text = "运维 ops 巡检\xF0\x9F\x98\x80 backup 备份";
        for (int w = 0; w <= display_width(text) + 1; ++w) {
            const std::string cut = truncate_to_width(text, w);
            CAPTURE(w);
            CHECK(is_valid_utf8(cut));
            CHECK(display_width(cut) <= std::max(w, 0));
        }
    }
}

TEST_CASE("pad_to_width") {
    CHECK(pad_to_width("bob", 6) == "bob   ");
    CHECK(pad_to_width("张伟", 6) == "张伟  ");
    CHECK(pad_to_width("42", 5, true) == "   42");
    CHECK(pad_to_width("toolong", 3) == "toolong");
}
