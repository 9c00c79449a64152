#include "lib/output/json.hpp"
#include "lib/output/render.hpp"

#include "lib/core/error.hpp"
#include "lib/util/unicode.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <sstream>
#include <string>
#include <vector>

using namespace opsctl;
using namespace opsctl::output;

namespace {

std::string rendered(const Table& table, RenderOptions options) {
    std::ostringstream out;
    render(table, options, out);
    return out.str();
}

std::string rendered(const Table& table, Format format) {
    RenderOptions options;
    options.format = format;
    return rendered(table, options);
}

std::string rendered_record(const Record& record, Format format) {
    RenderOptions options;
    options.format = format;
    std::ostringstream out;
    render_record(record, options, out);
    return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

Table people() {
    Table t;
    t.add_column("name", "姓名").add_column("tickets", "工单数");
    t.add_row({"张伟", Cell::integer(3)});
    t.add_row({"bob", Cell::integer(12)});
    return t;
}

} // namespace

TEST_CASE("parse_format") {
    CHECK(parse_format("table") == Format::table);
    CHECK(parse_format("csv") == Format::csv);
    CHECK(parse_format("tsv") == Format::tsv);
    CHECK(parse_format("json") == Format::json);
    CHECK(parse_format("md") == Format::md);
    CHECK(parse_format("excel") == Format::excel);
    CHECK_FALSE(parse_format("xml"));
    CHECK_FALSE(parse_format("JSON"));
    for (std::string_view name : format_names()) {
        CHECK(format_name(parse_format_or_throw(name)) == name);
    }
    try {
        parse_format_or_throw("yaml");
        FAIL("expected UsageError");
    } catch (const UsageError& e) {
        CHECK(std::string(e.what()) == "no output format 'yaml'");
        CHECK(e.hint() == "known: table, csv, tsv, json, md, excel");
        CHECK(e.status() == 64);
    }
}

TEST_CASE("Cell constructors") {
    CHECK(Cell::integer(-42).text == "-42");
    CHECK(Cell::integer(-42).kind == CellKind::integer);
    CHECK(Cell::number(3.14159, 2).text == "3.14");
    CHECK(Cell::number(2.5, 0).kind == CellKind::number);
    CHECK(Cell::boolean(true).text == "true");
    CHECK(Cell::null().kind == CellKind::null);
    CHECK(Cell::null().text.empty());
    CHECK(Cell::optional_text(std::nullopt).kind == CellKind::null);
    CHECK(Cell::optional_text("x").text == "x");
    CHECK(Cell("plain").kind == CellKind::text);
}

TEST_CASE("Table::add_row") {
    Table t;
    t.add_column("a").add_column("b");
    t.add_row({"1"});
    CHECK(t.rows.back().size() == 2);
    CHECK(t.rows.back()[1].kind == CellKind::null);
    CHECK_THROWS_AS(t.add_row({"1", "2", "3"}), Failure);
}

TEST_CASE("render table format") {
    SUBCASE("CJK and ASCII names line up, numbers align right") {
        const std::string out = rendered(people(), Format::table);
        CHECK(out == "姓名  工单数\n"
                     "----  ------\n"
                     "张伟       3\n"
                     "bob       12\n");
        for (const std::string& line : lines_of(out)) {
            CHECK(util::display_width(line) == 12);
        }
    }
    SUBCASE("text columns are padded, the last one is not") {
        Table t;
        t.add_column("id", "ID").add_column("owner", "负责人").add_column("note", "Note");
        t.add_row({"T-1", "张伟", "disk full"});
        t.add_row({"T-10", "bob", ""});
        CHECK(rendered(t, Format::table) == "ID    负责人  Note\n"
                                            "----  ------  ---------\n"
                                            "T-1   张伟    disk full\n"
                                            "T-10  bob\n");
    }
    SUBCASE("no header") {
        RenderOptions options;
        options.header = false;
        CHECK(rendered(people(), options) == "张伟   3\n"
                                             "bob   12\n");
    }
    SUBCASE("empty table prints only the header, or nothing without one") {
        Table t;
        t.add_column("id", "ID").add_column("title", "标题");
        CHECK(rendered(t, Format::table) == "ID  标题\n--  ----\n");
        RenderOptions options;
        options.header = false;
        CHECK(rendered(t, options) == "");
    }
    SUBCASE("terminal escape sequences are never written raw") {
        Table t;
        t.add_column("title", "Title");
        t.add_row({"\x1b[31mred\x1b[0m\x1b]0;pwned\x07"});
        t.add_row({"two\nlines"});
        const std::string out = rendered(t, Format::table);
        CHECK(out.find('\x1b') == std::string::npos);
        CHECK(out.find('\x07') == std::string::npos);
        CHECK(out == "Title\n"
                     "----------------------------\n"
                     "\\e[31mred\\e[0m\\e]0;pwned\\x07\n"
                     "two\\nlines\n");
    }
    SUBCASE("colour makes the header bold without breaking alignment") {
        RenderOptions options;
        options.color = true;
        const auto lines = lines_of(rendered(people(), options));
        REQUIRE(lines.size() == 4);
        CHECK(lines[0] == "\x1b[1m姓名\x1b[0m  \x1b[1m工单数\x1b[0m");
        CHECK(lines[2] == "张伟       3");
    }
    SUBCASE("max_cell_width cuts long cells on a character boundary") {
        Table t;
        t.add_column("title", "标题");
        t.add_row({"服务器机房空调故障报警"});
        RenderOptions options;
        options.max_cell_width = 7;
        const std::string out = rendered(t, options);
        CHECK(out == "标题\n-------\n服务器…\n");
        CHECK(util::is_valid_utf8(out));
    }
    SUBCASE("invalid UTF-8 in a cell is shown escaped and counted as printed") {
        Table t;
        t.add_column("a", "A").add_column("b", "B");
        t.add_row({"x\xE5\xBC", "y"});
        CHECK(rendered(t, Format::table) == "A          B\n"
                                            "---------  -\n"
                                            "x\\xe5\\xbc  y\n");
    }
}

TEST_CASE("render csv") {
    SUBCASE("header of keys, plain fields unquoted") {
        CHECK(rendered(people(), Format::csv) == "name,tickets\n张伟,3\nbob,12\n");
    }
    SUBCASE("commas, quotes and line breaks are quoted, quotes doubled") {
        Table t;
        t.add_column("id").add_column("note");
        t.add_row({"1", "a,b"});
        t.add_row({"2", "say \"hi\""});
        t.add_row({"3", "line1\nline2"});
        t.add_row({"4", "cr\rhere"});
        t.add_row({"5", Cell::null()});
        CHECK(rendered(t, Format::csv) == "id,note\n"
                                          "1,\"a,b\"\n"
                                          "2,\"say \"\"hi\"\"\"\n"
                                          "3,\"line1\nline2\"\n"
                                          "4,\"cr\rhere\"\n"
                                          "5,\n");
    }
    SUBCASE("no header") {
        RenderOptions options;
        options.format = Format::csv;
        options.header = false;
        CHECK(rendered(people(), options) == "张伟,3\nbob,12\n");
    }
    SUBCASE("an empty value alone on a line is quoted so the row is not lost") {
        Table t;
        t.add_column("note");
        t.add_row({""});
        CHECK(rendered(t, Format::csv) == "note\n\"\"\n");
    }
}

TEST_CASE("render excel: CSV for a spreadsheet") {
    Table t;
    t.add_column("title").add_column("amount");
    t.add_row({"=1+1", Cell::integer(-5)});
    t.add_row({"@x", "-2+3"});
    t.add_row({"会议室, 二楼", "'=y"});
    SUBCASE("byte order mark, CRLF, formulas neutralised, negative numbers kept") {
        CHECK(rendered(t, Format::excel) == "\xEF\xBB\xBFtitle,amount\r\n"
                                            "'=1+1,-5\r\n"
                                            "'@x,'-2+3\r\n"
                                            "\"会议室, 二楼\",''=y\r\n");
    }
    SUBCASE("the exact CSV of the same table is unchanged") {
        CHECK(rendered(t, Format::csv) == "title,amount\n=1+1,-5\n@x,-2+3\n\"会议室, 二楼\",'=y\n");
    }
    SUBCASE("a neutralised cell that needs quotes is quoted after the apostrophe") {
        Table q;
        q.add_column("a").add_column("b");
        q.add_row({"\tx", "=\"a\",b"});
        CHECK(rendered(q, Format::excel) == "\xEF\xBB\xBF"
                                            "a,b\r\n'\tx,\"'=\"\"a\"\",b\"\r\n");
    }
    SUBCASE("no header still starts with the byte order mark") {
        RenderOptions options;
        options.format = Format::excel;
        options.header = false;
        CHECK(rendered(t, options).rfind("\xEF\xBB\xBF'=1+1,-5\r\n", 0) == 0);
    }
    SUBCASE("csv_field streams the same fields") {
        CHECK(csv_field("=1+1", Format::excel) == "'=1+1");
        CHECK(csv_field("=1+1", Format::csv) == "=1+1");
        CHECK(csv_field("a,b", Format::csv) == "\"a,b\"");
    }
}

TEST_CASE("render tsv") {
    Table t;
    t.add_column("id").add_column("note");
    t.add_row({"1", "a\tb"});
    t.add_row({"2", "one\ntwo\r"});
    t.add_row({"3", "C:\\temp"});
    CHECK(rendered(t, Format::tsv) == "id\tnote\n"
                                      "1\ta\\tb\n"
                                      "2\tone\\ntwo\\r\n"
                                      "3\tC:\\\\temp\n");
    RenderOptions options;
    options.format = Format::tsv;
    options.header = false;
    CHECK(rendered(people(), options) == "张伟\t3\nbob\t12\n");
}

TEST_CASE("to_json_string") {
    CHECK(to_json_string("plain") == "\"plain\"");
    CHECK(to_json_string("say \"hi\"") == "\"say \\\"hi\\\"\"");
    CHECK(to_json_string("C:\\tmp") == "\"C:\\\\tmp\"");
    CHECK(to_json_string("a\nb\tc\r") == "\"a\\nb\\tc\\r\"");
    CHECK(to_json_string("\x1b[31m\x07") == "\"\\u001b[31m\\u0007\"");
    CHECK(to_json_string(std::string("\0", 1)) == "\"\\u0000\"");
    CHECK(to_json_string("张伟") == "\"张伟\"");
    CHECK(to_json_string("bad\xFF\xE5\xBC!") == "\"bad\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD!\"");
    CHECK(util::is_valid_utf8(to_json_string("\xC0\xAF\xED\xA0\x80")));
}

TEST_CASE("is_json_number") {
    for (const char* ok : {"0", "-1", "12", "3.50", "1e9", "-0.5E-3"}) {
        CHECK(is_json_number(ok));
    }
    for (const char* bad : {"", "-", "01", "+1", ".5", "1.", "NaN", "inf", "1e", "0x10", "1 "}) {
        CHECK_FALSE(is_json_number(bad));
    }
}

TEST_CASE("render json") {
    SUBCASE("array of objects with keys in column order, typed values") {
        Table t;
        t.add_column("id", "编号").add_column("done").add_column("score").add_column("owner");
        t.add_row({Cell::integer(7), Cell::boolean(true), Cell::number(4.5, 1), "张伟"});
        t.add_row({Cell::integer(8), Cell::boolean(false), Cell::null(), Cell::null()});
        CHECK(rendered(t, Format::json) ==
              "[\n"
              "  {\"id\":7,\"done\":true,\"score\":4.5,\"owner\":\"张伟\"},\n"
              "  {\"id\":8,\"done\":false,\"score\":null,\"owner\":null}\n"
              "]\n");
    }
    SUBCASE("strings are escaped, numbers that JSON cannot spell become null") {
        Table t;
        t.add_column("note").add_column("ratio");
        t.add_row({"q\"b\\c\n\x01\xFF", Cell::number(std::numeric_limits<double>::quiet_NaN(), 2)});
        t.add_row({"", Cell::number(-std::numeric_limits<double>::infinity(), 2)});
        CHECK(rendered(t, Format::json) ==
              "[\n  {\"note\":\"q\\\"b\\\\c\\n\\u0001\xEF\xBF\xBD\",\"ratio\":null},\n"
              "  {\"note\":\"\",\"ratio\":null}\n]\n");
    }
    SUBCASE("empty table") {
        CHECK(rendered(Table{}, Format::json) == "[]\n");
        Table t;
        t.add_column("id");
        CHECK(rendered(t, Format::json) == "[]\n");
    }
}

TEST_CASE("render md") {
    SUBCASE("pipe table with a right-aligned numeric column") {
        CHECK(rendered(people(), Format::md) == "| 姓名 | 工单数 |\n"
                                                "| ---- | -----: |\n"
                                                "| 张伟 |      3 |\n"
                                                "| bob  |     12 |\n");
    }
    SUBCASE("pipes are escaped, line breaks become <br>, controls are shown escaped") {
        Table t;
        t.add_column("cmd", "命令");
        t.add_row({"ps | grep x"});
        t.add_row({"a\nb\r\nc"});
        t.add_row({"tab\there\x1b[0m"});
        CHECK(rendered(t, Format::md) == "| 命令            |\n"
                                         "| --------------- |\n"
                                         "| ps \\| grep x    |\n"
                                         "| a<br>b<br>c     |\n"
                                         "| tab\\there\\e\\[0m |\n");
    }
}

TEST_CASE("column selection") {
    Table t;
    t.add_column("id", "ID").add_column("title", "标题").add_column("owner", "负责人");
    t.add_row({"T-1", "断网", "张伟"});
    RenderOptions options;
    options.format = Format::csv;

    SUBCASE("picked keys in the given order") {
        options.columns = {"owner", "id"};
        CHECK(rendered(t, options) == "owner,id\n张伟,T-1\n");
        options.format = Format::json;
        CHECK(rendered(t, options) == "[\n  {\"owner\":\"张伟\",\"id\":\"T-1\"}\n]\n");
        options.format = Format::table;
        CHECK(rendered(t, options) == "负责人  ID\n------  ---\n张伟    T-1\n");
    }
    SUBCASE("an unknown key is a usage error naming it and the known keys") {
        options.columns = {"id", "assignee"};
        try {
            rendered(t, options);
            FAIL("expected UsageError");
        } catch (const UsageError& e) {
            CHECK(std::string(e.what()) == "no column 'assignee'");
            CHECK(e.hint() == "known: id, title, owner");
        }
    }
    SUBCASE("a key given twice is refused") {
        options.columns = {"id", "id"};
        CHECK_THROWS_AS(rendered(t, options), UsageError);
    }
    SUBCASE("split_column_list") {
        CHECK(split_column_list("id, title ,owner") ==
              std::vector<std::string>{"id", "title", "owner"});
        CHECK(split_column_list(",id,,") == std::vector<std::string>{"id"});
        CHECK(split_column_list("").empty());
    }
}

TEST_CASE("render_record") {
    Record r;
    r.add("id", "ID", "T-7")
        .add("owner", "负责人", "张伟")
        .add("hours", "Hours", Cell::integer(3))
        .add("notes", "Notes", "line one\nline two\x1b[2J");

    SUBCASE("table: aligned titles, continuation lines indented, escapes shown") {
        CHECK(rendered_record(r, Format::table) == "ID:      T-7\n"
                                                   "负责人:  张伟\n"
                                                   "Hours:   3\n"
                                                   "Notes:   line one\n"
                                                   "         line two\\e[2J\n");
    }
    SUBCASE("json: one object") {
        CHECK(rendered_record(r, Format::json) == "{\"id\":\"T-7\",\"owner\":\"张伟\",\"hours\":3,"
                                                  "\"notes\":\"line one\\nline two\\u001b[2J\"}\n");
    }
    SUBCASE("csv: header and one row") {
        CHECK(rendered_record(r, Format::csv) ==
              "id,owner,hours,notes\nT-7,张伟,3,\"line one\nline two\x1b[2J\"\n");
    }
    SUBCASE("excel: header and one row in the spreadsheet form") {
        Record f;
        f.add("title", "Title", "=cmd|' /C calc'!A0");
        CHECK(rendered_record(f, Format::excel) == "\xEF\xBB\xBFtitle\r\n'=cmd|' /C calc'!A0\r\n");
    }
    SUBCASE("tsv: header and one row") {
        CHECK(rendered_record(r, Format::tsv) ==
              "id\towner\thours\tnotes\nT-7\t张伟\t3\tline one\\nline two\x1b[2J\n");
    }
    SUBCASE("md: field/value table") {
        CHECK(rendered_record(r, Format::md) == "| Field  | Value                      |\n"
                                                "| ------ | -------------------------- |\n"
                                                "| ID     | T-7                        |\n"
                                                "| 负责人 | 张伟                       |\n"
                                                "| Hours  | 3                          |\n"
                                                "| Notes  | line one<br>line two\\e\\[2J |\n");
    }
    SUBCASE("--columns applies to records too") {
        RenderOptions options;
        options.columns = {"owner"};
        std::ostringstream out;
        render_record(r, options, out);
        CHECK(out.str() == "负责人:  张伟\n");
        options.columns = {"nope"};
        CHECK_THROWS_AS(render_record(r, options, out), UsageError);
    }
}
