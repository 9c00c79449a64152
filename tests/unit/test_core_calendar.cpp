#include "lib/core/calendar.hpp"

#include "lib/core/error.hpp"
#include "lib/core/time.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace opsctl::core;

namespace {

constexpr std::int64_t k_hour = 3600;
constexpr std::int64_t k_minute = 60;

Date day(const char* text) {
    return parse_date(text).value();
}

// An instant written as the wall clock of `zone` (or with an explicit offset).
std::int64_t at(const char* text, const Zone& zone) {
    return parse_time_or_throw(text, zone, "test time");
}

const Zone& shanghai() {
    static const Zone z("Asia/Shanghai");
    return z;
}

const Zone& berlin() {
    static const Zone z("Europe/Berlin");
    return z;
}

std::string show(std::int64_t t, const Zone& zone) {
    return format_time(t, zone);
}

WorkSpan span(const char* text) {
    return parse_work_span(text).value();
}

// 09:00-12:00 and 13:30-18:00: a working day of 3h + 4h30m = 7h30m = 27000 s.
const std::vector<WorkSpan> k_lunch_break{{9 * 3600, 12 * 3600}, {13 * 3600 + 1800, 18 * 3600}};

// The 2026 calendar of mainland China as the State Council General Office announced it on
// 2025-11-04 (the same dates as config/policies/calendar.yaml).
CalendarSpec china_2026(std::vector<WorkSpan> hours = k_lunch_break) {
    CalendarSpec spec;
    spec.hours = std::move(hours);
    auto off = [&](const char* from, const char* to, const char* name) {
        for (Date d = day(from); d <= day(to); d = add_days(d, 1)) {
            spec.holidays[d] = name;
        }
    };
    off("2026-01-01", "2026-01-03", "元旦");
    off("2026-02-15", "2026-02-23", "春节");
    off("2026-04-04", "2026-04-06", "清明节");
    off("2026-05-01", "2026-05-05", "劳动节");
    off("2026-06-19", "2026-06-21", "端午节");
    off("2026-09-25", "2026-09-27", "中秋节");
    off("2026-10-01", "2026-10-07", "国庆节");
    spec.makeup_workdays[day("2026-01-04")] = "元旦调休";
    spec.makeup_workdays[day("2026-02-14")] = "春节调休";
    spec.makeup_workdays[day("2026-02-28")] = "春节调休";
    spec.makeup_workdays[day("2026-05-09")] = "劳动节调休";
    spec.makeup_workdays[day("2026-09-20")] = "国庆节调休";
    spec.makeup_workdays[day("2026-10-10")] = "国庆节调休";
    return spec;
}

// Every day, round the clock: business time is then plain real time.
CalendarSpec round_the_clock() {
    CalendarSpec spec;
    spec.workdays = {1, 2, 3, 4, 5, 6, 7};
    spec.hours = {span("00:00-24:00")};
    return spec;
}

std::int64_t total_length(const std::vector<BusinessCalendar::Span>& spans) {
    std::int64_t total = 0;
    for (const auto& s : spans) {
        total += s.end - s.start;
    }
    return total;
}

} // namespace

TEST_CASE("BusinessCalendar::day_kind") {
    SUBCASE("weekends follow the weekly pattern") {
        const BusinessCalendar cal(CalendarSpec{}, shanghai());
        // 2026-03-02 is a Monday, 2026-03-07/08 the weekend after it.
        CHECK(cal.day_kind(day("2026-03-02")) == DayKind::workday);
        CHECK(cal.day_kind(day("2026-03-06")) == DayKind::workday);
        CHECK(cal.day_kind(day("2026-03-07")) == DayKind::weekend);
        CHECK(cal.day_kind(day("2026-03-08")) == DayKind::weekend);
        CHECK(cal.is_workday(day("2026-03-02")));
        CHECK_FALSE(cal.is_workday(day("2026-03-08")));
        CHECK_FALSE(cal.day_name(day("2026-03-02")).has_value());

        CalendarSpec six_days;
        six_days.workdays = {1, 2, 3, 4, 5, 6};
        const BusinessCalendar six(six_days, shanghai());
        CHECK(six.day_kind(day("2026-03-07")) == DayKind::workday);
        CHECK(six.day_kind(day("2026-03-08")) == DayKind::weekend);
    }

    SUBCASE("China 2026: holidays and make-up workdays") {
        const BusinessCalendar cal(china_2026(), shanghai());
        CHECK(cal.day_kind(day("2026-10-01")) == DayKind::holiday);
        CHECK(cal.day_name(day("2026-10-01")) == "国庆节");
        // A holiday on a Saturday is still reported as the holiday.
        CHECK(cal.day_kind(day("2026-10-03")) == DayKind::holiday);
        CHECK(cal.day_kind(day("2026-10-07")) == DayKind::holiday);
        // Thursday 2026-10-08 is an ordinary workday again.
        CHECK(cal.day_kind(day("2026-10-08")) == DayKind::workday);
        CHECK_FALSE(cal.day_name(day("2026-10-08")).has_value());
        // Sunday 2026-09-20 and Saturday 2026-10-10 are worked.
        CHECK(cal.day_kind(day("2026-09-20")) == DayKind::makeup_workday);
        CHECK(cal.is_workday(day("2026-09-20")));
        CHECK(cal.day_name(day("2026-09-20")) == "国庆节调休");
        CHECK(cal.day_kind(day("2026-10-10")) == DayKind::makeup_workday);
        CHECK(cal.day_kind(day("2026-09-19")) == DayKind::weekend);
        CHECK(cal.day_kind(day("2026-10-11")) == DayKind::weekend);
        // Spring Festival: Saturday 02-14 worked, Sunday 02-15 .. Monday 02-23 off.
        CHECK(cal.day_kind(day("2026-02-14")) == DayKind::makeup_workday);
        CHECK(cal.day_kind(day("2026-02-15")) == DayKind::holiday);
        CHECK(cal.day_kind(day("2026-02-23")) == DayKind::holiday);
        CHECK(cal.day_kind(day("2026-02-24")) == DayKind::workday);
        CHECK(cal.day_kind(day("2026-02-28")) == DayKind::makeup_workday);
    }

    SUBCASE("the 2026 dates fall on the weekdays the announcement names") {
        // Guards the fixture above against a mistyped date: the notice gives each weekday.
        const std::vector<std::pair<const char*, int>> named{
            {"2026-01-01", 4}, {"2026-01-03", 6}, {"2026-01-04", 7}, {"2026-02-14", 6},
            {"2026-02-15", 7}, {"2026-02-23", 1}, {"2026-02-28", 6}, {"2026-04-04", 6},
            {"2026-04-06", 1}, {"2026-05-01", 5}, {"2026-05-05", 2}, {"2026-05-09", 6},
            {"2026-06-19", 5}, {"2026-06-21", 7}, {"2026-09-20", 7}, {"2026-09-25", 5},
            {"2026-09-27", 7}, {"2026-10-01", 4}, {"2026-10-07", 3}, {"2026-10-10", 6}};
        for (const auto& entry : named) {
            // Not a structured binding: clang 14 cannot capture one in CAPTURE's lambda.
            const char* date = entry.first;
            CAPTURE(date);
            CHECK(iso_weekday(day(date)) == entry.second);
        }
    }

    SUBCASE("China 2026 has 248 working days") {
        // 2026 starts on a Thursday: 52 weeks + 1 day = 261 weekdays. Holidays on weekdays:
        // 元旦 2 (Thu, Fri) + 春节 6 (Mon-Fri 02-16..20, Mon 02-23) + 清明 1 (Mon) + 劳动节 3
        // (Fri, Mon, Tue) + 端午 1 (Fri) + 中秋 1 (Fri) + 国庆 5 (Thu, Fri, Mon, Tue, Wed) = 19;
        // make-up days 6. 261 - 19 + 6 = 248 (= 365 - 104 weekend days - 13 statutory days).
        const BusinessCalendar cal(china_2026(), shanghai());
        int workdays = 0;
        for (Date d = day("2026-01-01"); d < day("2027-01-01"); d = add_days(d, 1)) {
            workdays += cal.is_workday(d) ? 1 : 0;
        }
        CHECK(workdays == 248);
        // 248 days x 7h30m = 6,696,000 s; with 09:00-18:00, 248 x 9h = 8,035,200 s.
        CHECK(cal.business_seconds(at("2026-01-01", shanghai()), at("2027-01-01", shanghai())) ==
              6'696'000);
        const BusinessCalendar nine_to_six(china_2026({span("09:00-18:00")}), shanghai());
        CHECK(nine_to_six.business_seconds(at("2026-01-01", shanghai()),
                                           at("2027-01-01", shanghai())) == 8'035'200);
    }
}

TEST_CASE("BusinessCalendar::business_seconds") {
    const Zone& z = shanghai();
    const BusinessCalendar cal(CalendarSpec{}, z); // Mon-Fri 09:00-18:00

    SUBCASE("inside one working day") {
        // Monday 10:00 -> 15:00 = 5h.
        CHECK(cal.business_seconds(at("2026-03-02 10:00", z), at("2026-03-02 15:00", z)) ==
              5 * k_hour);
        // 07:00 -> 20:00 is clipped to 09:00 -> 18:00 = 9h.
        CHECK(cal.business_seconds(at("2026-03-02 07:00", z), at("2026-03-02 20:00", z)) ==
              9 * k_hour);
    }

    SUBCASE("an empty or reversed range is zero") {
        const auto t = at("2026-03-02 10:00", z);
        CHECK(cal.business_seconds(t, t) == 0);
        CHECK(cal.business_seconds(t, t - 3600) == 0);
    }

    SUBCASE("Friday 17:00 to Monday 10:00 crosses two midnights and a weekend") {
        // Friday 17:00-18:00 = 1h, Saturday and Sunday none, Monday 09:00-10:00 = 1h.
        CHECK(cal.business_seconds(at("2026-03-06 17:00", z), at("2026-03-09 10:00", z)) ==
              2 * k_hour);
    }

    SUBCASE("a whole week") {
        // Monday 00:00 -> next Monday 00:00 = 5 x 9h = 45h.
        CHECK(cal.business_seconds(at("2026-03-02", z), at("2026-03-09", z)) == 45 * k_hour);
    }

    SUBCASE("lunch break") {
        const BusinessCalendar lunch(CalendarSpec{{1, 2, 3, 4, 5}, k_lunch_break, {}, {}}, z);
        CHECK(lunch.workday_seconds() == 27000);
        // 11:00 -> 14:00: 11:00-12:00 = 1h, lunch, 13:30-14:00 = 30m; 5400 s.
        CHECK(lunch.business_seconds(at("2026-03-02 11:00", z), at("2026-03-02 14:00", z)) == 5400);
        // From inside the lunch break: 12:30 -> 13:45 counts 13:30-13:45 = 15m.
        CHECK(lunch.business_seconds(at("2026-03-02 12:30", z), at("2026-03-02 13:45", z)) ==
              15 * k_minute);
        CHECK(lunch.business_seconds(at("2026-03-02 12:00", z), at("2026-03-02 13:30", z)) == 0);
    }

    SUBCASE("two years at once") {
        // Monday 2026-03-02 09:00 -> Monday 2028-02-28 09:00 is 728 days = 104 weeks
        // (2028-02-29 comes after the range), 104 x 45h = 16,848,000 s.
        const auto from = at("2026-03-02 09:00", z);
        const auto to = at("2028-02-28 09:00", z);
        CHECK(cal.business_seconds(from, to) == 16'848'000);
        // Counting whole weeks at once agrees with laying out every span: 104 x 5 spans of 9h.
        const auto spans = cal.working_spans(from, to);
        CHECK(spans.size() == 520);
        CHECK(total_length(spans) == 16'848'000);
    }

    SUBCASE("China 2026: from before National Day to after it") {
        const BusinessCalendar china(china_2026(), z);
        // Wed 09-30 15:00-18:00 = 3h; 10-01..10-07 off; Thu 10-08 = 7h30m; Fri 10-09 09:00-12:00
        // and 13:30-15:00 = 4h30m. 3h + 7h30m + 4h30m = 15h.
        CHECK(china.business_seconds(at("2026-09-30 15:00", z), at("2026-10-09 15:00", z)) ==
              15 * k_hour);
    }
}

TEST_CASE("BusinessCalendar::add_business") {
    const Zone& z = shanghai();
    const BusinessCalendar cal(CalendarSpec{}, z); // Mon-Fri 09:00-18:00
    const BusinessCalendar lunch(CalendarSpec{{1, 2, 3, 4, 5}, k_lunch_break, {}, {}}, z);

    SUBCASE("zero is the instant itself, even outside working time") {
        const auto sat = at("2026-03-07 12:00", z);
        CHECK(cal.add_business(sat, 0) == sat);
    }

    SUBCASE("a target that ends with a span lands on that span's end") {
        // Monday 09:00 + 9h is Monday 18:00, not Tuesday 09:00.
        CHECK(show(cal.add_business(at("2026-03-02 09:00", z), 9 * k_hour), z) ==
              "2026-03-02T18:00:00+08:00");
        // One second more is the first second of Tuesday.
        CHECK(show(cal.add_business(at("2026-03-02 09:00", z), 9 * k_hour + 1), z) ==
              "2026-03-03T09:00:01+08:00");
        // Lunch: Monday 11:00 + 1h is 12:00, not 13:30.
        CHECK(show(lunch.add_business(at("2026-03-02 11:00", z), k_hour), z) ==
              "2026-03-02T12:00:00+08:00");
    }

    SUBCASE("the clock starts with the next working span") {
        // Saturday 10:00 + 1h: the first working hour is Monday 09:00-10:00.
        CHECK(show(cal.add_business(at("2026-03-07 10:00", z), k_hour), z) ==
              "2026-03-09T10:00:00+08:00");
        // Lunch: Monday 11:00 + 2h = 11:00-12:00 (1h) and 13:30-14:30 (1h).
        CHECK(show(lunch.add_business(at("2026-03-02 11:00", z), 2 * k_hour), z) ==
              "2026-03-02T14:30:00+08:00");
    }

    SUBCASE("many weeks at once") {
        // 104 working weeks from Monday 2026-03-02 09:00 (see business_seconds) end with the
        // last span of the 104th week: Friday 2028-02-25 18:00, not Monday 2028-02-28 09:00.
        CHECK(show(cal.add_business(at("2026-03-02 09:00", z), 16'848'000), z) ==
              "2028-02-25T18:00:00+08:00");
    }

    SUBCASE("negative business time is refused") {
        CHECK_THROWS_AS(cal.add_business(at("2026-03-02 09:00", z), -1), opsctl::UsageError);
    }

    SUBCASE("round trips with business_seconds") {
        const BusinessCalendar china(china_2026(), z);
        const std::vector<const char*> starts{
            "2026-03-02 08:00", "2026-03-02 11:59", "2026-03-02 12:30", "2026-03-06 17:30",
            "2026-03-07 12:00", "2026-09-18 15:00", "2026-09-30 17:00", "2026-12-31 17:59"};
        const std::vector<std::int64_t> amounts{1,         1800,       3 * k_hour, 27000,
                                                2 * 27000, 10 * 27000, 60 * 27000};
        for (const char* start : starts) {
            for (std::int64_t s : amounts) {
                CAPTURE(start);
                CAPTURE(s);
                const auto t = at(start, z);
                const auto u = china.add_business(t, s);
                CHECK(china.business_seconds(t, u) == s);
                // Earliest: one second less is one business second short, and it is worked.
                CHECK(china.business_seconds(t, u - 1) == s - 1);
                CHECK(china.is_working_time(u - 1));
            }
        }
        // The other way round from a time off lands on the end of the last span before it:
        // Monday 10:00 -> Saturday 12:00 holds Monday 10:00 .. Friday 18:00.
        const auto t = at("2026-03-02 10:00", z);
        CHECK(show(cal.add_business(t, cal.business_seconds(t, at("2026-03-07 12:00", z))), z) ==
              "2026-03-06T18:00:00+08:00");
    }
}

TEST_CASE("China 2026: working days around National Day") {
    const Zone& z = shanghai();
    const BusinessCalendar cal(china_2026(), z); // 09:00-12:00, 13:30-18:00
    const auto two_days = cal.to_business_seconds(parse_duration("2d").value());
    REQUIRE(two_days == 2 * 27000); // 2 x 7h30m = 15h

    SUBCASE("from Friday 09-18 afternoon the make-up Sunday counts") {
        // Fri 15:00-18:00 = 3h (12h left); Sat 09-19 off; Sun 09-20 make-up day 7h30m (4h30m
        // left); Mon 09-21 09:00-12:00 (1h30m left), 13:30 + 1h30m = 15:00.
        CHECK(show(cal.add_business(at("2026-09-18 15:00", z), two_days), z) ==
              "2026-09-21T15:00:00+08:00");
    }

    SUBCASE("from the Mid-Autumn Friday the clock starts on Monday") {
        // Fri 09-25 .. Sun 09-27 are 中秋节: Mon 09-28 7h30m + Tue 09-29 7h30m, ending 18:00.
        CHECK(show(cal.add_business(at("2026-09-25 15:00", z), two_days), z) ==
              "2026-09-29T18:00:00+08:00");
    }

    SUBCASE("from the last afternoon before the holiday the SLA lands after it") {
        // Wed 09-30 15:00-18:00 = 3h (12h left); 10-01..10-07 off; Thu 10-08 7h30m (4h30m
        // left); Fri 10-09 09:00-12:00 (1h30m left), 13:30 + 1h30m = 15:00.
        const auto opened = at("2026-09-30 15:00", z);
        const auto due = cal.add_business(opened, two_days);
        CHECK(show(due, z) == "2026-10-09T15:00:00+08:00");

        // The clock explained: five working spans, none during the holiday.
        const auto spans = cal.working_spans(opened, due);
        REQUIRE(spans.size() == 5);
        CHECK(show(spans[0].start, z) == "2026-09-30T15:00:00+08:00");
        CHECK(show(spans[0].end, z) == "2026-09-30T18:00:00+08:00");
        CHECK(spans[0].date == day("2026-09-30"));
        CHECK(spans[0].kind == DayKind::workday);
        CHECK(show(spans[1].start, z) == "2026-10-08T09:00:00+08:00");
        CHECK(show(spans[2].end, z) == "2026-10-08T18:00:00+08:00");
        CHECK(spans[3].date == day("2026-10-09"));
        CHECK(show(spans[4].start, z) == "2026-10-09T13:30:00+08:00");
        CHECK(show(spans[4].end, z) == "2026-10-09T15:00:00+08:00");
        CHECK(total_length(spans) == two_days);
    }

    SUBCASE("three working days reach the make-up Saturday") {
        // As above, 4h30m are left after Fri 10-09; Sat 10-10 is a make-up day:
        // 09:00-12:00 (1h30m left), 13:30 + 1h30m = 15:00.
        const auto opened = at("2026-09-30 15:00", z);
        const auto due = cal.add_business(opened, cal.to_business_seconds(Duration{0, 3, 0}));
        CHECK(show(due, z) == "2026-10-10T15:00:00+08:00");
        const auto spans = cal.working_spans(opened, due);
        REQUIRE_FALSE(spans.empty());
        CHECK(spans.back().date == day("2026-10-10"));
        CHECK(spans.back().kind == DayKind::makeup_workday);
    }

    SUBCASE("a ticket filed after hours waits for the first day back") {
        CHECK_FALSE(cal.is_working_time(at("2026-09-30 18:00", z)));
        CHECK(show(cal.next_working_time(at("2026-09-30 18:00", z)), z) ==
              "2026-10-08T09:00:00+08:00");
        // Saturday 09-19 10:00 -> the make-up Sunday 09:00.
        CHECK(show(cal.next_working_time(at("2026-09-19 10:00", z)), z) ==
              "2026-09-20T09:00:00+08:00");
    }
}

TEST_CASE("BusinessCalendar::is_working_time and next_working_time") {
    const Zone& z = shanghai();
    const BusinessCalendar lunch(CalendarSpec{{1, 2, 3, 4, 5}, k_lunch_break, {}, {}}, z);
    const auto t = at("2026-03-02 10:00", z);
    CHECK(lunch.is_working_time(t));
    CHECK(lunch.next_working_time(t) == t);
    // Spans are half-open: 12:00 is lunch, 11:59:59 is not.
    CHECK(lunch.is_working_time(at("2026-03-02 11:59:59", z)));
    CHECK_FALSE(lunch.is_working_time(at("2026-03-02 12:00", z)));
    CHECK(show(lunch.next_working_time(at("2026-03-02 12:30", z)), z) ==
          "2026-03-02T13:30:00+08:00");
    // Friday 18:00 is after hours; the next working time is Monday 09:00.
    CHECK(show(lunch.next_working_time(at("2026-03-06 18:00", z)), z) ==
          "2026-03-09T09:00:00+08:00");
}

TEST_CASE("working spans over midnight") {
    const Zone& z = shanghai();
    CalendarSpec spec; // Mon-Fri
    spec.hours = {span("22:00-06:00")};
    const BusinessCalendar night(spec, z);
    CHECK(night.workday_seconds() == 8 * k_hour);

    SUBCASE("a shift belongs to the day it starts on") {
        // Friday's shift runs into Saturday morning ...
        CHECK(night.is_working_time(at("2026-03-07 03:00", z)));
        // ... and Monday 03:00 would be Sunday's shift, which is not worked.
        CHECK_FALSE(night.is_working_time(at("2026-03-09 03:00", z)));
        CHECK_FALSE(night.is_working_time(at("2026-03-08 23:00", z)));
        CHECK(night.is_working_time(at("2026-03-09 23:00", z)));
        // Thursday's shift ends at Friday 06:00 (exclusive).
        CHECK(night.is_working_time(at("2026-03-06 05:59:59", z)));
        CHECK_FALSE(night.is_working_time(at("2026-03-06 06:00", z)));
    }

    SUBCASE("Friday 17:00 to Monday 10:00") {
        // Only Friday 22:00 -> Saturday 06:00 = 8h.
        CHECK(night.business_seconds(at("2026-03-06 17:00", z), at("2026-03-09 10:00", z)) ==
              8 * k_hour);
        // A range that starts on the Saturday still sees Friday's shift: 03:00 -> 05:00 = 2h.
        CHECK(night.business_seconds(at("2026-03-07 03:00", z), at("2026-03-07 05:00", z)) ==
              2 * k_hour);
    }

    SUBCASE("add_business and next_working_time skip the weekend nights") {
        // Friday 23:00 + 8h: 23:00-06:00 = 7h, then Monday 22:00 + 1h = 23:00.
        CHECK(show(night.add_business(at("2026-03-06 23:00", z), 8 * k_hour), z) ==
              "2026-03-09T23:00:00+08:00");
        CHECK(show(night.next_working_time(at("2026-03-07 07:00", z)), z) ==
              "2026-03-09T22:00:00+08:00");
    }

    SUBCASE("working_spans name the day a shift starts on") {
        const auto spans =
            night.working_spans(at("2026-03-06 12:00", z), at("2026-03-10 12:00", z));
        REQUIRE(spans.size() == 2);
        CHECK(show(spans[0].start, z) == "2026-03-06T22:00:00+08:00");
        CHECK(show(spans[0].end, z) == "2026-03-07T06:00:00+08:00");
        CHECK(spans[0].date == day("2026-03-06"));
        CHECK(show(spans[1].start, z) == "2026-03-09T22:00:00+08:00");
        CHECK(spans[1].date == day("2026-03-09"));
    }

    SUBCASE("a holiday on Friday cancels the shift into Saturday") {
        CalendarSpec off = spec;
        off.holidays[day("2026-03-06")] = "closed";
        const BusinessCalendar cal(off, z);
        CHECK_FALSE(cal.is_working_time(at("2026-03-07 03:00", z)));
        CHECK(cal.business_seconds(at("2026-03-06 17:00", z), at("2026-03-09 10:00", z)) == 0);
    }

    SUBCASE("day and night shifts together over many weeks") {
        // 09:00-17:00 and 22:00-06:00: 16h a day, 80h a week. Without holidays or DST any 28
        // days hold 4 x 80h = 320h, also Tuesday 03-03 03:00 -> Tuesday 03-31 03:00, which starts
        // with the last 3h of Monday's shift and ends 5h into Monday 03-30's.
        CalendarSpec both = spec;
        both.hours = {span("09:00-17:00"), span("22:00-06:00")};
        const BusinessCalendar cal(both, z);
        const auto from = at("2026-03-03 03:00", z);
        const auto to = at("2026-03-31 03:00", z);
        CHECK(cal.business_seconds(from, at("2026-03-03 06:00", z)) == 3 * k_hour);
        CHECK(cal.business_seconds(at("2026-03-30 18:00", z), to) == 5 * k_hour);
        CHECK(cal.business_seconds(from, to) == 320 * k_hour);
        CHECK(total_length(cal.working_spans(from, to)) == 320 * k_hour);
    }
}

TEST_CASE("parse_work_span, format_work_span, parse_weekday") {
    CHECK(parse_work_span("09:00-12:00") == WorkSpan{32400, 43200});
    CHECK(parse_work_span("13:30-24:00") == WorkSpan{48600, 86400});
    CHECK(parse_work_span("00:00-24:00") == WorkSpan{0, 86400});
    // Over midnight: the end is read on the next day's clock.
    CHECK(parse_work_span("22:00-06:00") == WorkSpan{79200, 108000});
    CHECK(parse_work_span("22:00-00:00") == WorkSpan{79200, 86400});
    for (const char* bad : {"", "09:00", "9:00-12:00", "09:00-09:00", "24:00-01:00", "09:60-10:00",
                            "09:00-25:00", "09:00 - 12:00", "09:00-12:00x"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_work_span(bad).has_value());
    }
    for (const char* text : {"09:00-12:00", "13:30-24:00", "22:00-06:00", "00:00-24:00"}) {
        CHECK(format_work_span(span(text)) == text);
    }

    CHECK(parse_weekday("mon") == 1);
    CHECK(parse_weekday("SAT") == 6);
    CHECK(parse_weekday("Sunday") == 7);
    CHECK_FALSE(parse_weekday("mo").has_value());
    CHECK_FALSE(parse_weekday("").has_value());
    CHECK(to_string(DayKind::makeup_workday) == "makeup_workday");
    CHECK(to_string(DayKind::weekend) == "weekend");
}

TEST_CASE("BusinessCalendar rejects an inconsistent spec") {
    const Zone& z = shanghai();
    auto message = [&](CalendarSpec spec) -> std::string {
        try {
            BusinessCalendar cal(std::move(spec), z);
        } catch (const opsctl::ConfigError& e) {
            CHECK(e.status() == 78);
            return e.what();
        }
        return "accepted";
    };

    CalendarSpec bad_day;
    bad_day.workdays = {1, 8};
    CHECK(message(bad_day) == "workday '8' is not an ISO weekday");
    bad_day.workdays = {0};
    CHECK(message(bad_day) == "workday '0' is not an ISO weekday");

    CalendarSpec overlap;
    overlap.hours = {span("09:00-12:00"), span("11:00-13:00")};
    CHECK(message(overlap) == "working spans '09:00-12:00' and '11:00-13:00' overlap");

    CalendarSpec night_into_morning;
    night_into_morning.hours = {span("09:00-12:00"), span("22:00-10:00")};
    CHECK(message(night_into_morning) ==
          "working span '22:00-10:00' runs into the next day's '09:00-12:00'");

    CalendarSpec backwards;
    backwards.hours = {{12 * 3600, 9 * 3600}};
    CHECK(message(backwards) != "accepted");

    CalendarSpec both;
    both.holidays[day("2026-10-10")] = "国庆节";
    both.makeup_workdays[day("2026-10-10")] = "国庆节调休";
    CHECK(message(both) ==
          "date '2026-10-10' is both a holiday ('国庆节') and a make-up workday ('国庆节调休')");

    // Spans given out of order are accepted and sorted.
    CalendarSpec unsorted;
    unsorted.hours = {span("13:30-18:00"), span("09:00-12:00")};
    const BusinessCalendar cal(unsorted, z);
    CHECK(cal.spec().hours.front() == span("09:00-12:00"));
    CHECK(cal.workday_seconds() == 27000);
}

TEST_CASE("a calendar without working time fails instead of hanging") {
    const Zone& z = shanghai();
    const auto t = at("2026-10-01 09:00", z);

    SUBCASE("no working hours") {
        CalendarSpec spec;
        spec.hours.clear();
        const BusinessCalendar cal(spec, z);
        CHECK(cal.business_seconds(t, t + 86400 * 30) == 0);
        CHECK_FALSE(cal.is_working_time(t));
        CHECK_THROWS_AS(cal.add_business(t, 1), opsctl::ConfigError);
        CHECK_THROWS_AS(cal.next_working_time(t), opsctl::ConfigError);
    }

    SUBCASE("no working days") {
        CalendarSpec spec;
        spec.workdays.clear();
        const BusinessCalendar cal(spec, z);
        CHECK_THROWS_AS(cal.add_business(t, 1), opsctl::ConfigError);
        CHECK_THROWS_AS(cal.next_working_time(t), opsctl::ConfigError);
    }

    SUBCASE("only one make-up day ahead") {
        CalendarSpec spec;
        spec.workdays.clear();
        spec.makeup_workdays[day("2026-10-10")] = "国庆节调休";
        const BusinessCalendar cal(spec, z);
        // One hour fits into Saturday 10-10 09:00-18:00; two days never fit (searched 20 years).
        CHECK(show(cal.add_business(t, k_hour), z) == "2026-10-10T10:00:00+08:00");
        CHECK_THROWS_AS(cal.add_business(t, 18 * k_hour), opsctl::ConfigError);
        CHECK_THROWS_AS(cal.next_working_time(at("2026-10-11", z)), opsctl::ConfigError);
    }

    SUBCASE("every working day a holiday for over 20 years") {
        CalendarSpec spec;
        spec.workdays = {1};
        for (Date d = day("2026-10-05"); d < day("2047-01-01"); d = add_days(d, 7)) {
            spec.holidays[d] = "closed";
        }
        const BusinessCalendar cal(spec, z);
        CHECK_THROWS_AS(cal.next_working_time(t), opsctl::ConfigError);
        CHECK_THROWS_AS(cal.add_business(t, 1), opsctl::ConfigError);
    }
}

TEST_CASE("BusinessCalendar::to_business_seconds") {
    const BusinessCalendar cal(CalendarSpec{{1, 2, 3, 4, 5}, k_lunch_break, {}, {}}, shanghai());
    auto business = [&](const char* text) {
        return cal.to_business_seconds(parse_duration(text).value());
    };
    CHECK(business("2d") == 54000);      // 2 x 7h30m
    CHECK(business("4h") == 4 * k_hour); // fixed units stay as they are
    CHECK(business("1d4h") == 27000 + 14400);
    CHECK(business("90m") == 5400);
    CHECK(business("1w") == 7 * 27000); // Duration keeps a week as 7 days
    CHECK_THROWS_AS(business("1mo"), opsctl::UsageError);
}

TEST_CASE("BusinessCalendar in a zone without and with DST") {
    SUBCASE("Asia/Shanghai has no DST: a year is 365 x 24h") {
        const Zone& z = shanghai();
        const BusinessCalendar cal(round_the_clock(), z);
        CHECK(cal.business_seconds(at("2026-01-01", z), at("2027-01-01", z)) == 365 * 86400);
        const auto spans = cal.working_spans(at("2026-03-01", z), at("2026-11-01", z));
        for (const auto& s : spans) {
            CHECK(s.end - s.start == 86400);
        }
    }

    SUBCASE("Europe/Berlin springs forward on Sunday 2026-03-29 02:00 -> 03:00") {
        const Zone& z = berlin();
        const BusinessCalendar all_day(round_the_clock(), z);
        // Midnight to midnight is 23 real hours.
        CHECK(all_day.business_seconds(at("2026-03-29", z), at("2026-03-30", z)) == 23 * k_hour);
        // 24 business hours from Saturday noon (+01:00) end Sunday 13:00 (+02:00).
        CHECK(show(all_day.add_business(at("2026-03-28 12:00", z), 24 * k_hour), z) ==
              "2026-03-29T13:00:00+02:00");

        CalendarSpec office = round_the_clock();
        office.hours = {span("09:00-18:00")};
        // The change lies outside 09:00-18:00: still 9 hours.
        CHECK(BusinessCalendar(office, z).business_seconds(at("2026-03-29", z),
                                                           at("2026-03-30", z)) == 9 * k_hour);

        // Saturday's night shift 22:00 (+01:00, 21:00 UTC) -> Sunday 06:00 (+02:00, 04:00 UTC)
        // is 7 real hours.
        CalendarSpec nights = round_the_clock();
        nights.hours = {span("22:00-06:00")};
        const BusinessCalendar night(nights, z);
        const auto spans =
            night.working_spans(at("2026-03-28 12:00", z), at("2026-03-29 12:00", z));
        REQUIRE(spans.size() == 1);
        CHECK(spans[0].date == day("2026-03-28"));
        CHECK(show(spans[0].start, z) == "2026-03-28T22:00:00+01:00");
        CHECK(show(spans[0].end, z) == "2026-03-29T06:00:00+02:00");
        CHECK(spans[0].end - spans[0].start == 7 * k_hour);

        // A span boundary that no clock shows (02:00-03:00 is skipped) is the moment of the
        // jump, 03:00 (+02:00) = 01:00 UTC.
        auto length_on_29th = [&](const char* hours) {
            CalendarSpec s = round_the_clock();
            s.hours = {span(hours)};
            return BusinessCalendar(s, z).business_seconds(at("2026-03-29", z),
                                                           at("2026-03-30", z));
        };
        CHECK(length_on_29th("01:00-02:30") == k_hour);     // 00:00 UTC -> 01:00 UTC
        CHECK(length_on_29th("02:30-04:00") == k_hour);     // 01:00 UTC -> 02:00 UTC
        CHECK(length_on_29th("02:15-02:45") == 0);          // never on the clock that day
        CHECK(length_on_29th("01:00-05:00") == 3 * k_hour); // one hour of it never happens
    }

    SUBCASE("Europe/Berlin falls back on Sunday 2026-10-25 03:00 -> 02:00") {
        const Zone& z = berlin();
        const BusinessCalendar all_day(round_the_clock(), z);
        CHECK(all_day.business_seconds(at("2026-10-25", z), at("2026-10-26", z)) == 25 * k_hour);
        // Saturday's night shift 22:00 (+02:00, 20:00 UTC) -> Sunday 06:00 (+01:00, 05:00 UTC)
        // is 9 real hours.
        CalendarSpec nights = round_the_clock();
        nights.hours = {span("22:00-06:00")};
        CHECK(BusinessCalendar(nights, z).business_seconds(
                  at("2026-10-24 12:00", z), at("2026-10-25 12:00", z)) == 9 * k_hour);
        // A boundary that the clock shows twice is the first time: 00:00-02:30 ends at
        // 02:30 (+02:00), 2h30m.
        CalendarSpec early = round_the_clock();
        early.hours = {span("00:00-02:30")};
        CHECK(BusinessCalendar(early, z).business_seconds(at("2026-10-25", z),
                                                          at("2026-10-26", z)) == 9000);
    }

    SUBCASE("America/New_York: 23h on 2026-03-08, 25h on 2026-11-01") {
        const Zone z("America/New_York");
        const BusinessCalendar all_day(round_the_clock(), z);
        CHECK(all_day.business_seconds(at("2026-03-08", z), at("2026-03-09", z)) == 23 * k_hour);
        CHECK(all_day.business_seconds(at("2026-11-01", z), at("2026-11-02", z)) == 25 * k_hour);
    }

    SUBCASE("counting whole weeks stays exact across the changes") {
        const Zone& z = berlin();
        // Round the clock, business time is real time: 2026-01-01 -> 2026-07-01 is 181 days
        // less the hour skipped on 03-29 = 15,634,800 s; the whole year is 365 days.
        const BusinessCalendar all_day(round_the_clock(), z);
        const auto jan = at("2026-01-01", z);
        const auto jul = at("2026-07-01", z);
        CHECK(jul - jan == 181 * 86400 - k_hour);
        CHECK(all_day.business_seconds(jan, jul) == 181 * 86400 - k_hour);
        CHECK(all_day.business_seconds(jan, at("2027-01-01", z)) == 365 * 86400);
        CHECK(show(all_day.add_business(jan, 181 * 86400 - k_hour), z) ==
              "2026-07-01T00:00:00+02:00");
        // Mon-Fri 09:00-18:00 over 2026: 261 weekdays x 9h = 8,456,400 s, as the spans add up.
        const BusinessCalendar office(CalendarSpec{}, z);
        const auto end = at("2027-01-01", z);
        CHECK(office.business_seconds(jan, end) == 8'456'400);
        CHECK(total_length(office.working_spans(jan, end)) == 8'456'400);
    }
}

TEST_CASE("BusinessCalendar keeps each date's working spans") {
    // An import asks one calendar about the same dates for every ticket: the answers must not
    // depend on what was asked before, nor on DST weeks and holidays seen earlier.
    const Zone& z = shanghai();
    const std::vector<const char*> starts{"2025-12-31 17:00", "2026-02-13 10:00", "2026-04-30 18:30",
                                          "2026-09-18 15:00", "2026-09-30 17:00", "2026-10-09 11:59"};
    const std::vector<std::int64_t> amounts{1, 3 * k_hour, 27000, 5 * 27000, 40 * 27000};

    SUBCASE("a calendar asked many times answers as a fresh one does") {
        const BusinessCalendar used(china_2026(), z);
        for (int round = 0; round < 2; ++round) {
            for (const char* start : starts) {
                for (std::int64_t s : amounts) {
                    CAPTURE(start);
                    CAPTURE(s);
                    const auto t = at(start, z);
                    const BusinessCalendar fresh(china_2026(), z);
                    const auto u = used.add_business(t, s);
                    CHECK(u == fresh.add_business(t, s));
                    CHECK(used.business_seconds(t, u + 86400) ==
                          BusinessCalendar(china_2026(), z).business_seconds(t, u + 86400));
                    CHECK(total_length(used.working_spans(t, u)) == s);
                }
            }
        }
    }

    SUBCASE("across DST changes in both directions") {
        CalendarSpec spec;
        spec.workdays = {1, 2, 3, 4, 5, 6, 7};
        spec.hours = {span("01:30-03:30"), span("09:00-18:00")};
        const BusinessCalendar used(spec, berlin());
        const auto from = at("2026-03-20 00:00", berlin());
        const auto to = at("2026-11-10 00:00", berlin());
        const std::int64_t once = used.business_seconds(from, to);
        CHECK(used.business_seconds(from, to) == once);
        CHECK(once == BusinessCalendar(spec, berlin()).business_seconds(from, to));
        CHECK(once == total_length(used.working_spans(from, to)));
    }

    SUBCASE("a copy answers like the original") {
        const BusinessCalendar original(china_2026(), z);
        const auto t = at("2026-09-30 17:00", z);
        const auto u = original.add_business(t, 3 * 27000);
        const BusinessCalendar copy = original;
        CHECK(copy.add_business(t, 3 * 27000) == u);
        CHECK(show(u, z) == "2026-10-10T17:00:00+08:00");
    }
}
