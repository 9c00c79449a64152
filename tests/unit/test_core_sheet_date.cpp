#include "lib/core/sheet_date.hpp"

#include <doctest/doctest.h>

using namespace opsctl::core;

namespace {
std::string iso(std::string_view text) {
    const auto d = sheet_date_to_iso(text);
    return d.kind == SheetDate::Kind::iso ? d.iso : std::string("-");
}
} // namespace

TEST_CASE("dates as spreadsheets write them become ISO 8601") {
    SUBCASE("year first, with each separator a Chinese Excel or WPS export uses") {
        CHECK(iso("2023/5/6") == "2023-05-06");
        CHECK(iso("2023-05-06") == "2023-05-06");
        CHECK(iso("2023-5-6") == "2023-05-06");
        CHECK(iso("2023.5.6") == "2023-05-06");
        CHECK(iso("2023年5月6日") == "2023-05-06");
        CHECK(iso("2023年05月06日") == "2023-05-06");
    }
    SUBCASE("a time of day after the date") {
        CHECK(iso("2023/5/6 9:05") == "2023-05-06T09:05");
        CHECK(iso("2023/5/6 14:30:59") == "2023-05-06T14:30:59");
        CHECK(iso("2023-05-06 14:30") == "2023-05-06T14:30");
    }
    SUBCASE("year last is never guessed") {
        CHECK(sheet_date_to_iso("5/6/2023").kind == SheetDate::Kind::ambiguous);
        CHECK(sheet_date_to_iso("6.5.2023").kind == SheetDate::Kind::ambiguous);
    }
    SUBCASE("anything else is left to the caller") {
        CHECK(sheet_date_to_iso("2023-05-06T14:30:00+08:00").kind == SheetDate::Kind::not_a_date);
        CHECK(sheet_date_to_iso("2023/2/30").kind == SheetDate::Kind::not_a_date);
        CHECK(sheet_date_to_iso("2023/13/1").kind == SheetDate::Kind::not_a_date);
        CHECK(sheet_date_to_iso("2023/5/6 25:00").kind == SheetDate::Kind::not_a_date);
        CHECK(sheet_date_to_iso("5/6").kind == SheetDate::Kind::not_a_date);
        CHECK(sheet_date_to_iso("next week").kind == SheetDate::Kind::not_a_date);
        CHECK(sheet_date_to_iso("").kind == SheetDate::Kind::not_a_date);
        CHECK(sheet_date_to_iso("20231/5/6").kind == SheetDate::Kind::not_a_date);
    }
}
