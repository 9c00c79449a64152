#include "lib/output/time.hpp"

#include "lib/core/time.hpp"

namespace opsctl::output {

Cell time_cell(std::int64_t unix_time, const core::Zone& zone) {
    return Cell::time(core::format_time(unix_time, zone));
}

std::string time_text(std::int64_t unix_time, const core::Zone& zone, Format format) {
    return format == Format::table || format == Format::md ? core::format_time_short(unix_time, zone)
                                                           : core::format_time(unix_time, zone);
}

nlohmann::json iso_times(const nlohmann::json& value, const core::Zone& zone) {
    if (value.is_array()) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& item : value) {
            out.push_back(iso_times(item, zone));
        }
        return out;
    }
    if (!value.is_object()) {
        return value;
    }
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, v] : value.items()) {
        const bool is_time = key == "at" || key.ends_with("_at");
        out[key] = is_time && v.is_number_integer() ? nlohmann::json(core::format_time(v.get<std::int64_t>(), zone))
                                                    : iso_times(v, zone);
    }
    return out;
}

Cell time_cell(const std::optional<std::int64_t>& unix_time, const core::Zone& zone) {
    return unix_time ? time_cell(*unix_time, zone) : Cell::null();
}

} // namespace opsctl::output
