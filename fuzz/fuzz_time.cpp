// libFuzzer target: durations ("2d", "1h30m"), dates, times (ISO 8601 and the short forms
// users type), relative dates, weekdays and work spans. Parsers answer nullopt or throw the
// Error family; whatever parses must format and parse back to the same value, and a relative
// date is a span of at most a month that never starts after now.
#include "lib/core/calendar.hpp"
#include "lib/core/date.hpp"
#include "lib/core/duration.hpp"
#include "lib/core/error.hpp"
#include "lib/core/relative_time.hpp"
#include "lib/core/time.hpp"
#include "lib/core/zone.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace opsctl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    static const core::Zone utc;
    static const core::Zone shanghai("Asia/Shanghai");
    static const core::Zone berlin("Europe/Berlin");
    try {
        if (auto d = core::parse_duration(text)) {
            (void)core::format_duration(*d);
            (void)core::add_calendar(1790000000, *d, berlin);
        }
        if (auto date = core::parse_date(text)) {
            const auto again = core::parse_date(core::format_date(*date));
            if (!again || core::days_from_civil(*again) != core::days_from_civil(*date)) {
                std::abort();
            }
            (void)core::iso_weekday(*date);
            (void)core::add_months(*date, 13);
        }
        for (const core::Zone* zone : {&utc, &shanghai, &berlin}) {
            if (auto t = core::parse_time(text, *zone)) {
                const std::string shown = core::format_time(*t, *zone);
                const auto back = core::parse_time(shown, *zone);
                if (!back || *back != *t) {
                    std::abort();
                }
                (void)core::format_time_short(*t, *zone);
            }
        }
        for (const core::Zone* zone : {&utc, &shanghai}) {
            constexpr std::int64_t k_now = 1790000000;
            if (auto span = core::parse_relative(text, *zone, k_now)) {
                if (span->start > span->end || span->start > k_now || span->end - span->start > 32 * 86400) {
                    std::abort();
                }
            }
        }
        (void)core::parse_weekday(text);
        (void)core::parse_work_span(text);
    } catch (const Error&) {
        // Values far outside any calendar may be refused.
    }
    return 0;
}
