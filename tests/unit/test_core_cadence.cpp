#include "lib/core/cadence.hpp"

#include "lib/core/error.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace opsctl::core;

namespace {

Date day(const char* text) { return parse_date(text).value(); }

// Monday to Friday, with the 2026 Spring Festival (02-15..02-23) off and 02-14 (Sat) and
// 02-28 (Sat) worked, and National Day 10-01..10-07 off.
BusinessCalendar calendar() {
    CalendarSpec spec;
    for (Date d = day("2026-02-15"); d <= day("2026-02-23"); d = add_days(d, 1)) {
        spec.holidays[d] = "春节";
    }
    for (Date d = day("2026-10-01"); d <= day("2026-10-07"); d = add_days(d, 1)) {
        spec.holidays[d] = "国庆节";
    }
    spec.makeup_workdays[day("2026-02-14")] = "春节调休";
    spec.makeup_workdays[day("2026-02-28")] = "春节调休";
    return BusinessCalendar(spec, Zone("Asia/Shanghai"));
}

std::vector<std::string> dues(const std::vector<Period>& periods) {
    std::vector<std::string> out;
    for (const auto& p : periods) {
        out.push_back(format_date(p.nominal) + ">" + format_date(p.due));
    }
    return out;
}

} // namespace

TEST_CASE("a monthly cadence on the first working day of the month") {
    const auto cal = calendar();
    Cadence c;
    c.months = 1;
    c.start = day("2026-01-01");
    c.day = CadenceDay::first_workday;
    const Recurrence r(c, cal);

    SUBCASE("holidays and weekends push it to the first working day") {
        CHECK(dues(r.following(std::nullopt, 3)) ==
              std::vector<std::string>{"2026-01-01>2026-01-01", "2026-02-01>2026-02-02", "2026-03-01>2026-03-02"});
        // October: National Day to the 7th, the 8th is a Thursday.
        CHECK(format_date(r.period(9)->due) == "2026-10-08");
    }
    SUBCASE("due once the working day is reached, not before") {
        CHECK(r.due(day("2026-02-01"), day("2026-01-01"), 10).empty());
        CHECK(dues(r.due(day("2026-02-02"), day("2026-01-01"), 10)) == std::vector<std::string>{"2026-02-01>2026-02-02"});
    }
    SUBCASE("catching up: every missed period, or the newest ones only") {
        CHECK(dues(r.due(day("2026-04-15"), day("2026-01-01"), 100)) ==
              std::vector<std::string>{"2026-02-01>2026-02-02", "2026-03-01>2026-03-02", "2026-04-01>2026-04-01"});
        CHECK(dues(r.due(day("2026-04-15"), day("2026-01-01"), 1)) == std::vector<std::string>{"2026-04-01>2026-04-01"});
        CHECK(dues(r.due(day("2026-04-15"), std::nullopt, 1)) == std::vector<std::string>{"2026-04-01>2026-04-01"});
    }
    SUBCASE("the last working day") {
        c.day = CadenceDay::last_workday;
        const Recurrence last(c, cal);
        CHECK(format_date(last.period(1)->due) == "2026-02-28"); // a make-up Saturday
        CHECK(format_date(last.period(4)->due) == "2026-05-29"); // the 30th and 31st are a weekend
    }
}

TEST_CASE("a cadence in days or weeks and what a day off does") {
    const auto cal = calendar();
    Cadence c;
    c.days = 7;
    c.start = day("2026-02-09"); // a Monday
    SUBCASE("next working day") {
        const Recurrence r(c, cal);
        CHECK(dues(r.following(day("2026-02-09"), 2)) ==
              std::vector<std::string>{"2026-02-16>2026-02-24", "2026-02-23>2026-02-24"});
    }
    SUBCASE("previous working day") {
        c.on_day_off = OnDayOff::previous;
        const Recurrence r(c, cal);
        CHECK(format_date(r.period(1)->due) == "2026-02-14"); // the make-up Saturday
    }
    SUBCASE("skip and keep") {
        c.on_day_off = OnDayOff::skip;
        CHECK_FALSE(Recurrence(c, cal).period(1).has_value());
        CHECK(dues(Recurrence(c, cal).due(day("2026-03-03"), day("2026-02-09"), 100)) ==
              std::vector<std::string>{"2026-03-02>2026-03-02"});
        c.on_day_off = OnDayOff::keep;
        CHECK(format_date(Recurrence(c, cal).period(1)->due) == "2026-02-16");
    }
    SUBCASE("before the start nothing is due") {
        const Recurrence r(c, cal);
        CHECK(r.due(day("2026-02-08"), std::nullopt, 1).empty());
        CHECK(dues(r.due(day("2026-02-09"), std::nullopt, 1)) == std::vector<std::string>{"2026-02-09>2026-02-09"});
    }
    SUBCASE("a catch-up is bounded, the newest periods kept") {
        c.days = 1;
        c.on_day_off = OnDayOff::keep;
        const Recurrence r(c, cal);
        const auto due = r.due(day("2036-02-09"), day("2026-02-09"), 100);
        REQUIRE(due.size() == 100);
        CHECK(format_date(due.back().nominal) == "2036-02-09");
    }
}

TEST_CASE("a monthly cadence on a day of the month clamps to short months") {
    const auto cal = calendar();
    Cadence c;
    c.months = 1;
    c.start = day("2026-01-31");
    c.on_day_off = OnDayOff::keep;
    const Recurrence r(c, cal);
    CHECK(dues(r.following(std::nullopt, 3)) ==
          std::vector<std::string>{"2026-01-31>2026-01-31", "2026-02-28>2026-02-28", "2026-03-31>2026-03-31"});
    CHECK(describe(c) == "1mo from 2026-01-31, day off: keep");
    c.months = 12;
    CHECK(describe(c) == "1y from 2026-01-31, day off: keep");
    c.months = 0;
    CHECK_THROWS_AS((Recurrence(c, cal)), opsctl::UsageError);
}
