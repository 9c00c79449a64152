#include "lib/core/business_time.hpp"

#include "lib/core/duration.hpp"

#include <fmt/format.h>

namespace opsctl::core {

std::string format_business_seconds(std::int64_t seconds, std::int64_t workday_seconds) {
    if (workday_seconds <= 0) {
        return format_seconds(seconds);
    }
    const std::string sign = seconds < 0 ? "-" : "";
    const std::int64_t s = seconds < 0 ? -seconds : seconds;
    const std::int64_t days = s / workday_seconds;
    const std::int64_t rest = s % workday_seconds;
    if (days == 0) {
        return sign + format_seconds(rest);
    }
    // Whole minutes are enough next to days; seconds would be noise.
    std::string out = fmt::format("{}{}d", sign, days);
    if (rest / 3600 > 0) {
        out += fmt::format(" {}h", rest / 3600);
    }
    if (rest % 3600 / 60 > 0) {
        out += fmt::format(" {}m", rest % 3600 / 60);
    }
    return out;
}

} // namespace opsctl::core
