#include "lib/backup/retention.hpp"

#include <algorithm>
#include <array>

namespace opsctl::backup {

namespace {

// ISO 8601 week number as year * 100 + week: the week belongs to the year of its Thursday.
std::int64_t iso_week_key(const core::Date& d) {
    const core::Date thursday = core::add_days(d, 4 - core::iso_weekday(d));
    const std::int64_t day_of_year =
        core::days_from_civil(thursday) - core::days_from_civil(core::Date{thursday.year, 1, 1});
    return static_cast<std::int64_t>(thursday.year) * 100 + day_of_year / 7 + 1;
}

struct Rule {
    const char* name;
    int count;
    std::int64_t last_key = INT64_MIN;
};

} // namespace

std::vector<RetentionDecision> select_retention(std::vector<RetentionItem> items, const policy::KeepRules& keep,
                                                const core::Zone& zone) {
    std::stable_sort(items.begin(), items.end(), [](const RetentionItem& a, const RetentionItem& b) {
        return a.time != b.time ? a.time > b.time : a.id > b.id;
    });
    std::array<Rule, 6> rules{{{"last", keep.last},
                               {"hourly", keep.hourly},
                               {"daily", keep.daily},
                               {"weekly", keep.weekly},
                               {"monthly", keep.monthly},
                               {"yearly", keep.yearly}}};
    std::vector<RetentionDecision> out;
    out.reserve(items.size());
    std::int64_t index = 0;
    for (const auto& item : items) {
        RetentionDecision d;
        d.id = item.id;
        if (keep.empty()) {
            d.keep = true;
            d.reasons.push_back("no keep rule");
            out.push_back(std::move(d));
            continue;
        }
        const core::CivilTime c = zone.to_civil(item.time);
        const std::int64_t day = static_cast<std::int64_t>(c.date.year) * 10000 + c.date.month * 100 + c.date.day;
        const std::array<std::int64_t, 6> keys{index, day * 100 + c.hour, day, iso_week_key(c.date),
                                               static_cast<std::int64_t>(c.date.year) * 100 + c.date.month,
                                               c.date.year};
        for (std::size_t i = 0; i < rules.size(); ++i) {
            // As in restic: a rule's "last period" moves only when it keeps a backup, so the
            // newest backup of each period is the one kept.
            if (rules[i].count > 0 && keys[i] != rules[i].last_key) {
                rules[i].last_key = keys[i];
                --rules[i].count;
                d.keep = true;
                d.reasons.emplace_back(rules[i].name);
            }
        }
        ++index;
        out.push_back(std::move(d));
    }
    return out;
}

} // namespace opsctl::backup
