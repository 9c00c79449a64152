#include "lib/core/business_time.hpp"

#include <doctest/doctest.h>

using namespace opsctl::core;

TEST_CASE("format_business_seconds shows working days as the policy writes them") {
    const std::int64_t day = 7 * 3600 + 1800; // 09:00-12:00 and 13:30-18:00
    SUBCASE("whole working days") {
        CHECK(format_business_seconds(2 * day, day) == "2d");
        CHECK(format_business_seconds(10 * day, day) == "10d");
    }
    SUBCASE("days and the rest of a day") {
        CHECK(format_business_seconds(day + 4 * 3600, day) == "1d 4h");
        CHECK(format_business_seconds(day + 2 * 3600 + 1800, day) == "1d 2h 30m");
        CHECK(format_business_seconds(3 * day + 1800, day) == "3d 30m");
    }
    SUBCASE("under a working day: hours and minutes") {
        CHECK(format_business_seconds(day, day) == "1d");
        CHECK(format_business_seconds(day - 60, day) == "7h 29m");
        CHECK(format_business_seconds(2 * 3600, day) == "2h 00m");
        CHECK(format_business_seconds(45 * 60, day) == "45m");
        CHECK(format_business_seconds(0, day) == "0s");
    }
    SUBCASE("negative (overdue arithmetic)") {
        CHECK(format_business_seconds(-2 * day, day) == "-2d");
        CHECK(format_business_seconds(-3600, day) == "-1h 00m");
    }
    SUBCASE("no working day (a 24x7 clock): 24-hour days") {
        CHECK(format_business_seconds(2 * 86400 + 3600, 0) == "2d 1h");
    }
}
