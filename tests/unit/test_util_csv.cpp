#include "lib/util/csv.hpp"

#include <doctest/doctest.h>

#include <sstream>

using opsctl::util::CsvError;
using opsctl::util::CsvReader;
using opsctl::util::CsvRecord;
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
            read_csv("a\nshort\n" + std::string(100, 'x') + "\n", {50});
            FAIL("no error");
        } catch (const CsvError& e) {
            CHECK(e.line() == 3);
            CHECK(std::string(e.what()).find("larger than 50 bytes") != std::string::npos);
        }
    }
}

TEST_CASE("read_csv refuses text that is not UTF-8") {
    SUBCASE("a NUL byte names the record's line") {
        try {
            read_csv(std::string("a\nok\n\"x\0y\"\n", 13));
            FAIL("no error");
        } catch (const CsvError& e) {
            CHECK(e.line() == 3);
            CHECK(std::string(e.what()).find("NUL") != std::string::npos);
        }
    }
    SUBCASE("invalid UTF-8 is refused, unless text_only is off") {
        CHECK_THROWS_AS(read_csv("a\n\xff\xfe\n"), CsvError);
        opsctl::util::CsvOptions raw;
        raw.text_only = false;
        CHECK(read_csv("a\n\xff\xfe\n", raw)[1].fields[0] == "\xff\xfe");
    }
}

TEST_CASE("CsvReader streams records") {
    SUBCASE("records that cross the reader's chunks come out as from memory") {
        // Quoted fields with quotes, commas and newlines, long enough to span many 64 KiB chunks.
        std::string text = "\xEF\xBB\xBFid,body\r\n";
        for (int i = 0; i < 3000; ++i) {
            text += std::to_string(i) + ",\"" + std::string(static_cast<std::size_t>(i % 97), 'x') +
                    " \"\"q\"\", 工单\n" + std::to_string(i) + "\"\r\n";
        }
        const auto whole = read_csv(text);
        std::istringstream in(text);
        CsvReader reader(in);
        CsvRecord record;
        std::size_t n = 0;
        while (reader.next(record)) {
            REQUIRE(n < whole.size());
            CHECK(record.fields == whole[n].fields);
            CHECK(record.line == whole[n].line);
            ++n;
        }
        CHECK(n == 3001);
        CHECK(whole[0].fields[0] == "id");
        CHECK(whole[3000].line == 6000);
        CHECK(whole[3000].fields[1] == std::string(2999 % 97, 'x') + " \"q\", 工单\n2999");
    }
    SUBCASE("a huge field is refused before it is read whole") {
        std::string text = "a\n\"" + std::string(3 << 20, 'y') + "\"\n";
        std::istringstream in(text);
        CsvReader reader(in);
        CsvRecord record;
        CHECK(reader.next(record));
        CHECK_THROWS_AS(reader.next(record), CsvError);
    }
}
