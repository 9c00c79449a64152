#include "lib/util/csv.hpp"

#include <doctest/doctest.h>

using opsctl::util::CsvError;
using opsctl::util::read_csv;

TEST_CASE("read_csv reads RFC 4180") {
    SUBCASE("plain rows with LF and CRLF") {
        const auto rows = read_csv("a,b\r\n1,2\n3,\n");
        REQUIRE(rows.size() == 3);
        CHECK(rows[0].fields == std::vector<std::string>{"a", "b"});
        CHECK(rows[2].fields == std::vector<std::string>{"3", ""});
        CHECK(rows[2].line == 3);
    }
    SUBCASE("quoted commas, doubled quotes and newlines keep the line count right") {
        const auto rows = read_csv("name,model\n\"db, \"\"new\"\"\",\"two\nlines\"\nnext,x\n");
        REQUIRE(rows.size() == 3);
        CHECK(rows[1].fields[0] == "db, \"new\"");
        CHECK(rows[1].fields[1] == "two\nlines");
        CHECK(rows[2].line == 4);
    }
    SUBCASE("a byte order mark is not part of the first column") {
        const auto rows = read_csv("\xEF\xBB\xBFtag,name\n");
        CHECK(rows[0].fields[0] == "tag");
    }
    SUBCASE("Chinese text passes through") {
        const auto rows = read_csv("名称\n会议室\n");
        CHECK(rows[1].fields[0] == "会议室");
    }
    SUBCASE("blank lines are skipped, an empty quoted field is a record") {
        const auto rows = read_csv("a\n\n\"\"\n");
        REQUIRE(rows.size() == 2);
        CHECK(rows[1].fields == std::vector<std::string>{""});
        CHECK(rows[1].line == 3);
    }
}

TEST_CASE("read_csv rejects malformed input with the line") {
    SUBCASE("an unclosed quote names the line it opened on") {
        try {
            read_csv("a\n\"open\n\nmore\n");
            FAIL("no error");
        } catch (const CsvError& e) {
            CHECK(e.line() == 2);
        }
    }
    SUBCASE("text after a closing quote") {
        CHECK_THROWS_AS(read_csv("\"a\"b,c\n"), CsvError);
    }
    SUBCASE("a stray quote inside an unquoted field") {
        CHECK_THROWS_AS(read_csv("a\"b\n"), CsvError);
    }
    SUBCASE("a field longer than the bound") {
        try {
            read_csv("a\nshort\n" + std::string(100, 'x') + "\n", 50);
            FAIL("no error");
        } catch (const CsvError& e) {
            CHECK(e.line() == 3);
            CHECK(std::string(e.what()).find("longer than 50 bytes") != std::string::npos);
        }
    }
}
