#include "lib/core/date.hpp"
#include "lib/core/duration.hpp"
#include "lib/core/error.hpp"
#include "lib/core/relative_time.hpp"
#include "lib/core/time.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace opsctl;
using namespace opsctl::core;

TEST_CASE("parse_time reads the forms users type") {
    const Zone shanghai("Asia/Shanghai");
    SUBCASE("offset given: the zone does not matter") {
        // 2026-10-01T09:00+08:00 is 01:00 UTC = 1790816400.
        CHECK(parse_time("2026-10-01T09:00:00+08:00", shanghai) == 1790816400);
        CHECK(parse_time("2026-10-01T01:00:00Z", shanghai) == 1790816400);
        CHECK(parse_time("2026-10-01T01:00Z", Zone()) == 1790816400);
        CHECK(parse_time("2026-10-01T09:00:00+0800", Zone()) == 1790816400);
    }
    SUBCASE("no offset: read in the site zone") {
        CHECK(parse_time("2026-10-01 09:00", shanghai) == 1790816400);
        CHECK(parse_time("2026-10-01T09:00:00", shanghai) == 1790816400);
        // A bare date is its local midnight: 2026-10-01T00:00+08:00.
        CHECK(parse_time("2026-10-01", shanghai) == 1790816400 - 9 * 3600);
    }
    SUBCASE("epoch seconds") {
        CHECK(parse_time("@1790816400", shanghai) == 1790816400);
        // Found by fuzz_time: year 2.8 million showed with seven digits and did not parse back.
        CHECK_FALSE(parse_time("@88888888888888", shanghai));
        CHECK(parse_time("@-1", shanghai) == -1);
    }
    SUBCASE("malformed input is refused, not guessed") {
        CHECK_FALSE(parse_time("2026-13-01", shanghai));
        CHECK_FALSE(parse_time("2026-02-30", shanghai));
        CHECK_FALSE(parse_time("yesterday-ish", shanghai));
        CHECK_FALSE(parse_time("2026-10-01T25:00", shanghai));
        CHECK_FALSE(parse_time("2026-10-01T09:00+8", shanghai));
        CHECK_FALSE(parse_time("", shanghai));
        CHECK_THROWS_AS(parse_time_or_throw("soon", shanghai, "--since"), UsageError);
    }
}

TEST_CASE("format_time shows ISO 8601 with the zone's offset") {
    CHECK(format_time(1790816400, Zone("Asia/Shanghai")) == "2026-10-01T09:00:00+08:00");
    CHECK(format_time(1790816400, Zone()) == "2026-10-01T01:00:00Z");
    CHECK(format_time(1790816400, Zone("America/New_York")) == "2026-09-30T21:00:00-04:00");
    CHECK(format_time_short(1790816400, Zone("Asia/Shanghai")) == "2026-10-01 09:00");
}

TEST_CASE("local mean time offsets keep their seconds and read back") {
    // Before 1901 Shanghai kept local mean time, UTC+08:05:43.
    const Zone shanghai("Asia/Shanghai");
    const auto t = parse_time("1800-01-01", shanghai);
    REQUIRE(t);
    const std::string shown = format_time(*t, shanghai);
    CHECK(shown == "1800-01-01T00:00:00+08:05:43");
    CHECK(parse_time(shown, Zone()) == t);
}

TEST_CASE("Zone::from_civil across DST changes") {
    const Zone berlin("Europe/Berlin");
    SUBCASE("a reading in the spring gap moves forward") {
        // 2026-03-29 02:30 does not exist in Berlin (02:00 -> 03:00); taken as 03:30 CEST = 01:30 UTC.
        const auto t = berlin.from_civil(Date{2026, 3, 29}, 2 * 3600 + 1800);
        CHECK(format_time(t, berlin) == "2026-03-29T03:30:00+02:00");
    }
    SUBCASE("a reading in the autumn overlap takes the earlier instant") {
        // 2026-10-25 02:30 happens twice; the first is CEST (+02:00) = 00:30 UTC.
        const auto t = berlin.from_civil(Date{2026, 10, 25}, 2 * 3600 + 1800);
        CHECK(format_time(t, berlin) == "2026-10-25T02:30:00+02:00");
    }
    SUBCASE("ordinary readings round-trip") {
        const auto t = berlin.from_civil(Date{2026, 7, 1}, 12 * 3600);
        CHECK(format_time(t, berlin) == "2026-07-01T12:00:00+02:00");
    }
    CHECK_THROWS_AS(Zone("Mars/Olympus"), ConfigError);
}

TEST_CASE("OPSCTL_NOW fixes the clock") {
    ::setenv("OPSCTL_NOW", "2026-10-01T09:00:00+08:00", 1);
    CHECK(now() == 1790816400);
    ::setenv("OPSCTL_NOW", "not a time", 1);
    CHECK_THROWS_AS(now(), UsageError);
    ::unsetenv("OPSCTL_NOW");
    CHECK(now() > 1790816400 - 86400 * 365);
}

TEST_CASE("durations keep calendar units apart") {
    CHECK(parse_duration("30m")->seconds == 1800);
    CHECK(parse_duration("4h")->seconds == 4 * 3600);
    CHECK(parse_duration("1h30m")->seconds == 5400);
    CHECK(parse_duration("2d")->days == 2);
    CHECK(parse_duration("1w")->days == 7);
    CHECK(parse_duration("1mo")->months == 1);
    CHECK(parse_duration("5y")->months == 60);
    CHECK_FALSE(parse_duration(""));
    CHECK_FALSE(parse_duration("5"));
    CHECK_FALSE(parse_duration("-5m"));
    CHECK_FALSE(parse_duration("5 m"));
    CHECK_FALSE(parse_duration("3fortnights"));
    CHECK_THROWS_AS(parse_duration_or_throw("abc", "--within"), UsageError);

    SUBCASE("calendar arithmetic in local time") {
        const Zone shanghai("Asia/Shanghai");
        const auto jan31 = *parse_time("2026-01-31T10:00", shanghai);
        // One month after 31 January is the last day of February.
        CHECK(format_time(add_calendar(jan31, *parse_duration("1mo"), shanghai), shanghai) ==
              "2026-02-28T10:00:00+08:00");
        CHECK(format_time(add_calendar(jan31, *parse_duration("1w"), shanghai), shanghai) ==
              "2026-02-07T10:00:00+08:00");
    }
    SUBCASE("months far away: back before year 0, and past any calendar") {
        // Found by fuzz_time: 202420269y overflowed the month count into a negative index.
        const Date before_year_0 = add_months(Date{2026, 3, 31}, -2026 * 12 - 3);
        CHECK(before_year_0.year == -1);
        CHECK(before_year_0.month == 12);
        CHECK(before_year_0.day == 31);
        CHECK(format_date(add_months(Date{2026, 3, 31}, -1)) == "2026-02-28");
        const Zone utc;
        CHECK_THROWS_AS(add_calendar(1790000000, *parse_duration("202420269y"), utc), DataError);
        CHECK(add_calendar(0, *parse_duration("10000y"), utc) > 0);
    }
    SUBCASE("formatting") {
        CHECK(format_duration(*parse_duration("90m")) == "1h30m");
        CHECK(format_duration(*parse_duration("2w")) == "2w");
        CHECK(format_seconds(3 * 86400 + 4 * 3600) == "3d 4h");
        CHECK(format_seconds(-(2 * 3600 + 5 * 60)) == "-2h 05m");
    }
}

TEST_CASE("relative dates are read against now in the site zone") {
    const Zone shanghai("Asia/Shanghai");
    const std::int64_t now = *parse_time("2026-10-10T20:00:00+08:00", shanghai); // a Saturday
    auto t = [&](const char* text) { return *parse_time(text, shanghai); };
    auto span = [&](const char* text) {
        auto s = parse_relative(text, shanghai, now);
        REQUIRE(s);
        return std::pair{s->start, s->end};
    };
    SUBCASE("days, weeks (Monday first) and months, in English and Chinese") {
        CHECK(span("today") == std::pair{t("2026-10-10"), t("2026-10-11")});
        CHECK(span("今天") == span("today"));
        CHECK(span("yesterday") == std::pair{t("2026-10-09"), t("2026-10-10")});
        CHECK(span("昨天") == span("yesterday"));
        CHECK(span("this week") == std::pair{t("2026-10-05"), t("2026-10-12")});
        CHECK(span("本周") == span("this week"));
        CHECK(span("last week") == std::pair{t("2026-09-28"), t("2026-10-05")});
        CHECK(span("Last-Week") == span("last week"));
        CHECK(span("上周") == span("last week"));
        CHECK(span("this month") == std::pair{t("2026-10-01"), t("2026-11-01")});
        CHECK(span("本月") == span("this month"));
        CHECK(span("last month") == std::pair{t("2026-09-01"), t("2026-10-01")});
        CHECK(span("上月") == span("last month"));
    }
    SUBCASE("an age is that long before now") {
        CHECK(span("7d") == std::pair{t("2026-10-03T20:00"), t("2026-10-03T20:00")});
        CHECK(span("2w") == std::pair{t("2026-09-26T20:00"), t("2026-09-26T20:00")});
        CHECK(span("12h").first == now - 12 * 3600);
        CHECK(span("1mo").first == t("2026-09-10T20:00"));
    }
    SUBCASE("anything else is not relative") {
        for (const char* text : {"", "2026-10-01", "last", "next week", "0d", "tomorrow", "-7d", "99999999y"}) {
            CHECK_FALSE(parse_relative(text, shanghai, now));
        }
    }
    SUBCASE("options: the start for --since, the end for --until; absolute times as they are") {
        CHECK(parse_time_option("last week", shanghai, now, Bound::start, "--since") == t("2026-09-28"));
        CHECK(parse_time_option("last week", shanghai, now, Bound::end, "--until") == t("2026-10-05"));
        CHECK(parse_time_option("2026-10-01", shanghai, now, Bound::end, "--until") == t("2026-10-01"));
        CHECK_THROWS_AS(parse_time_option("someday", shanghai, now, Bound::start, "--since"), UsageError);
        CHECK(parse_date_option("this month", shanghai, now, Bound::start) == Date{2026, 10, 1});
        CHECK(parse_date_option("this month", shanghai, now, Bound::end) == Date{2026, 10, 31});
        CHECK(parse_date_option("7d", shanghai, now, Bound::end) == Date{2026, 10, 3});
        CHECK(parse_date_option("2026-02-03", shanghai, now, Bound::end) == Date{2026, 2, 3});
        CHECK_FALSE(parse_date_option("soon", shanghai, now, Bound::start));
    }
}
