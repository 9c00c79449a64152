#include "lib/util/markup.hpp"

#include <doctest/doctest.h>

#include <string>

using opsctl::util::markup_escape;

TEST_CASE("markup_escape: user text is character data in HTML and XML") {
    CHECK(markup_escape("核心库 <script>alert(\"x\")</script> & 'q'") ==
          "核心库 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;");
    CHECK(markup_escape("&amp;") == "&amp;amp;"); // an entity typed by a user stays text
    CHECK(markup_escape("") == "");
}

TEST_CASE("markup_escape: control characters neither language allows become spaces") {
    CHECK(markup_escape("a\tb\nc\rd") == "a\tb\nc\rd");
    CHECK(markup_escape(std::string("a\0b", 3)) == "a b");
    CHECK(markup_escape("a\x1b[31mb\x7f") == "a [31mb ");
    // Every single byte: nothing that could open markup or break a parser survives.
    for (int b = 0; b < 256; ++b) {
        const std::string out = markup_escape(std::string(1, static_cast<char>(b)));
        for (const char c : out) {
            const auto u = static_cast<unsigned char>(c);
            CHECK_FALSE((c == '<' || c == '>' || c == '"' || c == '\''));
            CHECK_FALSE(((u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7f));
        }
        if (b >= 0x80) {
            CHECK(out == std::string(1, static_cast<char>(b))); // UTF-8 bytes pass through
        }
    }
}
