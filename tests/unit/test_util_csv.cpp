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
            read_csv(std::string("a\nok\n\"x\0y\"\n", 11));
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

TEST_CASE("neutralise_formula and restore_formula: the spreadsheet form's rule") {
    using opsctl::util::neutralise_formula;
    using opsctl::util::restore_formula;
    SUBCASE("cells a spreadsheet would run get a leading apostrophe") {
        CHECK(neutralise_formula("=1+1") == "'=1+1");
        CHECK(neutralise_formula("+86 138 0000 0000") == "'+86 138 0000 0000");
        CHECK(neutralise_formula("-2+3") == "'-2+3");
        CHECK(neutralise_formula("@SUM(A1:A2)") == "'@SUM(A1:A2)");
        CHECK(neutralise_formula("\tx") == "'\tx");
        CHECK(neutralise_formula("\rx") == "'\rx");
        CHECK(neutralise_formula("=HYPERLINK(\"http://x\",\"y\")") ==
              "'=HYPERLINK(\"http://x\",\"y\")");
    }
    SUBCASE("other cells, and plain negative numbers, are left alone") {
        CHECK(neutralise_formula("") == "");
        CHECK(neutralise_formula("工单 = ticket") == "工单 = ticket");
        CHECK(neutralise_formula("'quoted") == "'quoted");
        CHECK(neutralise_formula("-5") == "-5");
        CHECK(neutralise_formula("-12.50") == "-12.50");
        CHECK(neutralise_formula("-") == "'-");
        CHECK(neutralise_formula("-5.") == "'-5.");
        CHECK(neutralise_formula("-1e3") == "'-1e3");
    }
    SUBCASE("apostrophes already in front of a formula get one more") {
        CHECK(neutralise_formula("'=x") == "''=x");
        CHECK(neutralise_formula("''-5") == "'''-5");
    }
    SUBCASE("restore_formula undoes neutralise_formula for every cell") {
        for (const std::string cell :
             {"=1+1", "-5", "-x", "@x", "\t", "'", "'=x", "''@", "'-5", "'abc", "", "张伟", "+"}) {
            std::string round = neutralise_formula(cell);
            restore_formula(round);
            CHECK(round == cell);
        }
    }
}

TEST_CASE("CsvReader reads the spreadsheet form") {
    SUBCASE("byte order mark, CRLF and neutralised cells read back as the exact values") {
        const auto rows =
            read_csv("\xEF\xBB\xBFtitle,note\r\n'=1+1,'-x\r\n-5,'@x\r\n\"'\t张伟\",'plain\r\n");
        REQUIRE(rows.size() == 4);
        CHECK(rows[0].fields == std::vector<std::string>{"title", "note"});
        CHECK(rows[1].fields == std::vector<std::string>{"=1+1", "-x"});
        CHECK(rows[2].fields == std::vector<std::string>{"-5", "@x"});
        CHECK(rows[3].fields == std::vector<std::string>{"\t张伟", "'plain"});
    }
    SUBCASE("exact CSV (no byte order mark) is read as written; restore_formulas turns it off") {
        CHECK(read_csv("a\n'=x\n")[1].fields[0] == "'=x");
        CHECK(read_csv("\xEF\xBB\xBF" "a\n'=x\n")[1].fields[0] == "=x");
        opsctl::util::CsvOptions exact;
        exact.restore_formulas = false;
        CHECK(read_csv("\xEF\xBB\xBF" "a\n'=x\n", exact)[1].fields[0] == "'=x");
    }
}
