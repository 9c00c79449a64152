#include "lib/backup/retention.hpp"

#include "lib/core/time.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace opsctl;

namespace {

std::int64_t at(const char* text, const core::Zone& zone = core::Zone()) {
    return core::parse_time_or_throw(text, zone, "test time");
}

// A fixed history, deliberately given out of order: the selection sorts newest first.
std::vector<backup::RetentionItem> history() {
    return {
        {1, at("2025-12-31T23:00Z")}, // Wednesday of ISO week 2026-W01
        {2, at("2026-01-01T10:00Z")},
        {3, at("2026-01-01T12:00Z")},
        {4, at("2026-01-02T09:00Z")},
        {5, at("2026-01-03T09:00Z")}, // Saturday, still 2026-W01
        {6, at("2026-01-05T09:00Z")}, // Monday, 2026-W02
        {7, at("2026-01-12T09:00Z")}, // 2026-W03
        {8, at("2026-02-01T09:00Z")}, // Sunday, 2026-W05
    };
}

std::vector<std::int64_t> kept(const policy::KeepRules& keep, const core::Zone& zone = core::Zone()) {
    std::vector<std::int64_t> ids;
    for (const auto& d : backup::select_retention(history(), keep, zone)) {
        if (d.keep) {
            ids.push_back(d.id);
        }
    }
    return ids;
}

} // namespace

TEST_CASE("select_retention keeps what restic's --keep-* would") {
    SUBCASE("decisions come newest first, one per backup") {
        const auto d = backup::select_retention(history(), policy::KeepRules{.last = 1}, core::Zone());
        REQUIRE(d.size() == 8);
        CHECK(d.front().id == 8);
        CHECK(d.back().id == 1);
    }
    SUBCASE("no rule keeps everything") {
        CHECK(kept({}).size() == 8);
    }
    SUBCASE("last keeps the newest N") {
        CHECK(kept({.last = 3}) == std::vector<std::int64_t>{8, 7, 6});
    }
    SUBCASE("daily keeps the newest backup of each of the N newest days that have one") {
        CHECK(kept({.daily = 5}) == std::vector<std::int64_t>{8, 7, 6, 5, 4});
        // 2026-01-01 has two backups: the later one (12:00) is kept.
        CHECK(kept({.daily = 7}) == std::vector<std::int64_t>{8, 7, 6, 5, 4, 3, 1});
    }
    SUBCASE("weekly uses ISO weeks, whose year can differ from the calendar year") {
        // 2025-12-31 belongs to 2026-W01 like 2026-01-03, so W01 yields only one backup.
        CHECK(kept({.weekly = 5}) == std::vector<std::int64_t>{8, 7, 6, 5});
    }
    SUBCASE("monthly and yearly") {
        CHECK(kept({.monthly = 3}) == std::vector<std::int64_t>{8, 7, 1});
        CHECK(kept({.yearly = 2}) == std::vector<std::int64_t>{8, 1});
    }
    SUBCASE("rules count separately and the reasons name each rule that kept a backup") {
        const auto d = backup::select_retention(history(), policy::KeepRules{.last = 2, .daily = 3, .monthly = 2},
                                                core::Zone());
        CHECK(d[0].reasons == std::vector<std::string>{"last", "daily", "monthly"});
        CHECK(d[1].reasons == std::vector<std::string>{"last", "daily", "monthly"});
        CHECK(d[2].reasons == std::vector<std::string>{"daily"});
        CHECK_FALSE(d[3].keep);
        CHECK(d[3].reasons.empty());
    }
    SUBCASE("periods are taken in the site's time zone") {
        // 2026-01-01T20:00Z is already 2026-01-02 04:00 in Shanghai.
        const core::Zone shanghai("Asia/Shanghai");
        std::vector<backup::RetentionItem> items{{1, at("2026-01-01T10:00Z")}, {2, at("2026-01-01T20:00Z")}};
        const auto utc = backup::select_retention(items, {.daily = 2}, core::Zone());
        const auto local = backup::select_retention(items, {.daily = 2}, shanghai);
        CHECK(std::count_if(utc.begin(), utc.end(), [](const auto& d) { return d.keep; }) == 1);
        CHECK(std::count_if(local.begin(), local.end(), [](const auto& d) { return d.keep; }) == 2);
    }
}
