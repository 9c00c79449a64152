#include "lib/policy/parsers.hpp"

#include <fmt/format.h>

namespace opsctl::policy {

namespace {

// Reads a list of {date: D, name: N} or {from: D, to: D, name: N} into `out`.
void read_days(Reader& r, const Node& list, std::string_view what, std::map<core::Date, std::string>& out,
               bool allow_ranges) {
    if (!list.is_defined() || list.is_null()) {
        return;
    }
    if (!r.sequence(list, what)) {
        return;
    }
    for (const auto& item : list) {
        std::vector<std::string> keys = {"date", "name"};
        if (allow_ranges) {
            keys = {"date", "from", "to", "name"};
        }
        if (!r.map(item, fmt::format("an entry of {}", what), keys)) {
            continue;
        }
        const std::string name = r.string(item, "name").value_or("");
        std::vector<core::Date> days;
        if (item["date"].is_defined()) {
            if (auto d = r.date(item, "date")) {
                days.push_back(*d);
            }
        } else if (allow_ranges && item["from"].is_defined()) {
            auto from = r.date(item, "from", true);
            auto to = r.date(item, "to", true);
            if (from && to) {
                if (*to < *from || core::days_from_civil(*to) - core::days_from_civil(*from) > 366) {
                    r.error(item, "'to' must be on or after 'from', within a year");
                    continue;
                }
                for (core::Date d = *from; d <= *to; d = core::add_days(d, 1)) {
                    days.push_back(d);
                }
            }
        } else {
            r.error(item, allow_ranges ? "missing 'date' (or 'from' and 'to')" : "missing required key 'date'");
        }
        for (const auto& d : days) {
            if (out.count(d)) {
                r.error(item, fmt::format("{} is listed twice in {}", core::format_date(d), what));
            }
            out[d] = name;
        }
    }
}

} // namespace

void parse_calendar(Reader& r, const Node& node, Policy& p) {
    if (!r.map(node, "section 'calendar'", {"workdays", "hours", "holidays", "makeup_workdays"})) {
        return;
    }
    auto& spec = p.calendar.spec;
    p.calendar.origin = r.origin(node);
    if (auto days = r.strings(node, "workdays")) {
        spec.workdays.clear();
        for (const auto& d : *days) {
            if (auto n = core::parse_weekday(d)) {
                spec.workdays.insert(*n);
            } else {
                r.error(node["workdays"], fmt::format("unknown weekday '{}' (use mon, tue, wed, thu, fri, sat, sun)", d));
            }
        }
    }
    if (auto hours = r.strings(node, "hours")) {
        spec.hours.clear();
        for (const auto& text : *hours) {
            // A span that ends at or before its start crosses midnight and belongs to the
            // day it starts on (a night shift), see core::parse_work_span.
            if (auto span = core::parse_work_span(text)) {
                spec.hours.push_back(*span);
            } else {
                r.error(node["hours"], fmt::format("working hours '{}' must be a span HH:MM-HH:MM", text));
            }
        }
        std::sort(spec.hours.begin(), spec.hours.end(),
                  [](const core::WorkSpan& a, const core::WorkSpan& b) { return a.start < b.start; });
        for (std::size_t i = 1; i < spec.hours.size(); ++i) {
            if (spec.hours[i].start < spec.hours[i - 1].end) {
                r.error(node["hours"], "working hours overlap");
                break;
            }
        }
    }
    read_days(r, node["holidays"], "'holidays'", spec.holidays, true);
    read_days(r, node["makeup_workdays"], "'makeup_workdays'", spec.makeup_workdays, false);
}

void finish_calendar(Diagnostics& d, Policy& p) {
    for (const auto& [date, name] : p.calendar.spec.makeup_workdays) {
        if (p.calendar.spec.holidays.count(date)) {
            d.error(p.calendar.origin,
                    fmt::format("{} is both a holiday and a make-up working day", core::format_date(date)));
        }
    }
}

} // namespace opsctl::policy
