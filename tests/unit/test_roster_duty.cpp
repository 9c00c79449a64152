#include "lib/roster/duty.hpp"

#include "lib/core/error.hpp"
#include "lib/core/time.hpp"
#include "lib/policy/loader.hpp"
#include "lib/roster/coverage.hpp"
#include "lib/roster/override.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

using namespace opsctl;
namespace fs = std::filesystem;

namespace {

const char* k_people = R"(
people:
  a: {teams: [ops]}
  b: {teams: [ops]}
  c: {teams: [ops]}
  d: {teams: [ops]}
  e: {teams: [ops]}
  f: {teams: [ops]}
  g: {teams: [ops]}
  h: {teams: [ops]}
)";

// Shanghai with the 2026 National Day holiday and its make-up Saturday.
const char* k_shanghai = R"(
site: {name: test, timezone: Asia/Shanghai}
calendar:
  workdays: [mon, tue, wed, thu, fri]
  hours: ["09:00-18:00"]
  holidays:
    - {from: 2026-10-01, to: 2026-10-07, name: 国庆节}
  makeup_workdays:
    - {date: 2026-10-10, name: 国庆节调休}
roster:
  shifts:
    day: {start: "09:00", end: "17:30", days: workdays}
    night: {start: "17:30", end: "09:00", days: every day}
  rotations:
    days: {team: ops, shifts: [day], members: [a, b, c], length: 1w, handoff: "mon 09:00", start: 2026-09-07}
    nights: {team: ops, shifts: [night], members: [a, b, c], length: 1w, handoff: "mon 09:00", start: 2026-09-07}
    big: {team: ops, shifts: [day], members: [a, b, c, d, e, f, g, h], length: 1w, handoff: "mon 09:00",
          start: 2026-09-07}
    desk: {team: ops, shifts: [day], members: [d, e, f], length: 1d, handoff: "09:00", start: 2026-09-28}
)";

// Berlin: summer time ends on 2026-10-25 at 03:00 local (01:00 UTC).
const char* k_berlin = R"(
site: {name: test, timezone: Europe/Berlin}
calendar:
  workdays: [mon, tue, wed, thu, fri]
roster:
  shifts:
    night: {start: "22:00", end: "06:00", days: every day}
  rotations:
    nights: {team: ops, shifts: [night], members: [a, b], length: 1w, handoff: "mon 09:00", start: 2026-10-05}
)";

// A policy directory and database in a scratch folder, and a Context on them.
struct Roster {
    fs::path dir;
    std::unique_ptr<policy::Policy> policy;
    std::unique_ptr<store::Database> db;

    explicit Roster(const char* yaml) {
        char tmpl[] = "/tmp/opsctl-roster-XXXXXX";
        dir = ::mkdtemp(tmpl);
        std::ofstream(dir / "opsctl.yaml") << yaml << k_people;
        policy = std::make_unique<policy::Policy>(policy::load_policy(dir));
        db = store::Database::open(dir / "ops.db");
    }
    ~Roster() {
        db.reset();
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    Context ctx(std::int64_t now = 0) const { return Context{*policy, *db, now, "tester"}; }
    std::int64_t at(const char* text) const {
        return core::parse_time_or_throw(text, policy->site.zone, "test");
    }
};

std::vector<std::string> people_of(const std::vector<roster::Duty>& duties) {
    std::vector<std::string> out;
    for (const auto& d : duties) {
        out.push_back(d.person);
    }
    return out;
}

} // namespace

TEST_CASE("roster schedule") {
    Roster r(k_shanghai);
    const Context ctx = r.ctx(r.at("2026-09-20 12:00"));

    SUBCASE("a weekly rotation runs on across a month boundary") {
        // Week 4 from 2026-09-07 (Monday 09-28) is the first member's again; its Wednesday
        // night runs from September into October.
        const auto duties = roster::on_duty(ctx, r.at("2026-10-01 03:00"), "nights");
        REQUIRE(duties.size() == 1);
        CHECK(duties[0].person == "a");
        CHECK(duties[0].start == r.at("2026-09-30 17:30"));
        CHECK(duties[0].end == r.at("2026-10-01 09:00"));
        // The next Monday at 09:00 hands over to b, in October.
        CHECK(roster::on_duty(ctx, r.at("2026-10-05 08:59"), "nights").at(0).person == "a");
        CHECK(roster::on_duty(ctx, r.at("2026-10-05 18:00"), "nights").at(0).person == "b");
        // October's schedule begins with the night that started on September 30, whole.
        const auto october =
            roster::schedule(ctx, r.at("2026-10-01"), r.at("2026-11-01"), "nights");
        CHECK(october.front().start == r.at("2026-09-30 17:30"));
        CHECK(october.front().date == core::Date{2026, 9, 30});
        CHECK(october.size() == 32); // 30 nights begun in October plus the one from September
    }

    SUBCASE("a night shift crosses midnight and belongs to the day it starts on") {
        const auto duties = roster::on_duty(ctx, r.at("2026-09-16 23:30"), "nights");
        REQUIRE(duties.size() == 1);
        CHECK(duties[0].shift == "night");
        CHECK(duties[0].person == "b");
        CHECK(duties[0].end - duties[0].start == 15 * 3600 + 1800);
        CHECK(duties[0].date == core::Date{2026, 9, 16});
        CHECK(roster::on_duty(ctx, r.at("2026-09-17 08:59"), "nights").at(0).start ==
              duties[0].start);
    }

    SUBCASE("holidays are off for a workday shift and a make-up Saturday is worked") {
        CHECK(roster::on_duty(ctx, r.at("2026-10-02 10:00"), "days").empty());
        CHECK(roster::on_duty(ctx, r.at("2026-10-03 10:00"), "days").empty());
        const auto makeup = roster::on_duty(ctx, r.at("2026-10-10 10:00"), "days");
        REQUIRE(makeup.size() == 1);
        CHECK(makeup[0].person == "b"); // the week from Monday 10-05
        CHECK(roster::on_duty(ctx, r.at("2026-10-11 10:00"), "days").empty());
        // The night shift covers holidays ("every day" does unless told otherwise).
        CHECK(roster::on_duty(ctx, r.at("2026-10-02 23:00"), "nights").size() == 1);
    }

    SUBCASE("a daily rotation advances on duty days only") {
        // 09-28 d, 09-29 e, 09-30 f, holidays skipped, 10-08 d, 10-09 e, 10-10 (make-up) f.
        CHECK(roster::on_duty(ctx, r.at("2026-09-30 10:00"), "desk").at(0).person == "f");
        CHECK(roster::on_duty(ctx, r.at("2026-10-08 10:00"), "desk").at(0).person == "d");
        CHECK(roster::on_duty(ctx, r.at("2026-10-10 10:00"), "desk").at(0).person == "f");
        CHECK(roster::on_duty(ctx, r.at("2026-10-12 10:00"), "desk").at(0).person == "d");
    }

    SUBCASE("a rotation with more members than weeks in the month carries on into the next") {
        // 8 members, weekly from 09-07: d has the week of 09-28 (all holidays in October), then
        // e (10-05, with the make-up Saturday), f, g and h (10-26); a comes back in November.
        const auto october =
            roster::schedule(r.ctx(), r.at("2026-10-01"), r.at("2026-11-01"), "big");
        std::vector<std::string> seen;
        for (const auto& p : people_of(october)) {
            if (seen.empty() || seen.back() != p) {
                seen.push_back(p);
            }
        }
        CHECK(seen == std::vector<std::string>{"e", "f", "g", "h"});
        CHECK(roster::on_duty(ctx, r.at("2026-11-02 10:00"), "big").at(0).person == "a");
        // The load lists every member, with zeros for those off the whole month.
        const auto load =
            roster::load(ctx, r.at("2026-10-01"), r.at("2026-11-01"), roster::Scope{"big", ""});
        REQUIRE(load.size() == 8);
        CHECK(load[3].person == "d");
        CHECK(load[3].seconds == 0);
        CHECK(load[4].seconds == 3 * (8 * 3600 + 1800)); // e: 10-08, 10-09 and Saturday 10-10
        CHECK(load[7].seconds == 5 * (8 * 3600 + 1800)); // h: Monday 10-26 to Friday 10-30
        CHECK(load[7].vs_average > load[4].vs_average);
    }

    SUBCASE("an unknown rotation is reported with a suggestion") {
        CHECK_THROWS_AS(roster::schedule(ctx, 0, 86400, "nigths"), DataError);
    }

    SUBCASE("the first rotation of a team with someone on duty answers for the team") {
        CHECK(roster::on_duty_for_team(ctx, "ops", r.at("2026-09-16 10:00")) == "b");
        CHECK(roster::on_duty_for_team(ctx, "ops", r.at("2026-09-16 23:00")) == "b");
        CHECK_FALSE(roster::on_duty_for_team(ctx, "dev", r.at("2026-09-16 10:00")).has_value());
    }
}

TEST_CASE("roster overrides") {
    Roster r(k_shanghai);
    const Context ctx = r.ctx(r.at("2026-10-01 12:00"));
    auto add = [&](const char* person, const char* from, const char* to,
                   std::optional<std::string> replaces = {}) {
        roster::OverrideRequest req;
        req.rotation = "days";
        req.person = person;
        req.from = r.at(from);
        req.to = r.at(to);
        req.replaces = std::move(replaces);
        return roster::add_override(ctx, req);
    };

    SUBCASE("an override inside a shift cuts it in three") {
        const auto o = add("e", "2026-10-08 12:00", "2026-10-08 14:00");
        const auto day = roster::schedule(ctx, r.at("2026-10-08"), r.at("2026-10-09"), "days");
        REQUIRE(day.size() == 3);
        CHECK(people_of(day) == std::vector<std::string>{"b", "e", "b"});
        CHECK(day[1].overridden);
        CHECK(day[1].override_id == o.id);
        CHECK(day[1].scheduled == "b");
        CHECK(day[1].start == r.at("2026-10-08 12:00"));
        CHECK_FALSE(day[0].overridden);
        CHECK(roster::on_duty(ctx, r.at("2026-10-08 13:00"), "days").at(0).person == "e");
    }

    SUBCASE("the latest of two overlapping overrides wins") {
        add("d", "2026-10-09 10:00", "2026-10-09 16:00");
        add("e", "2026-10-09 12:00", "2026-10-09 14:00");
        const auto day = roster::schedule(ctx, r.at("2026-10-09"), r.at("2026-10-10"), "days");
        CHECK(people_of(day) == std::vector<std::string>{"b", "d", "e", "d", "b"});
        CHECK(day[3].start == r.at("2026-10-09 14:00"));
        CHECK(day[3].end == r.at("2026-10-09 16:00"));
    }

    SUBCASE("a swap replaces only the person it names") {
        CHECK_THROWS_AS(add("d", "2026-10-09 10:00", "2026-10-09 16:00", std::string("c")),
                        DataError);
        add("c", "2026-10-09 00:00", "2026-10-10 00:00", std::string("b"));
        CHECK(roster::on_duty(ctx, r.at("2026-10-09 10:00"), "days").at(0).person == "c");
    }

    SUBCASE("overrides outside any shift and backwards spans are refused") {
        CHECK_THROWS_AS(add("d", "2026-10-02 10:00", "2026-10-02 12:00"), DataError); // a holiday
        CHECK_THROWS_AS(add("d", "2026-10-09 12:00", "2026-10-09 10:00"), UsageError);
        CHECK_THROWS_AS(add("nobody", "2026-10-09 10:00", "2026-10-09 12:00"), DataError);
    }

    SUBCASE("removing an override restores the rotation") {
        const auto o = add("e", "2026-10-08 12:00", "2026-10-08 14:00");
        roster::remove_override(ctx, o.id);
        CHECK(roster::schedule(ctx, r.at("2026-10-08"), r.at("2026-10-09"), "days").size() == 1);
        CHECK_THROWS_AS(roster::remove_override(ctx, o.id), NotFound);
    }
}

TEST_CASE("roster in a time zone with daylight saving time") {
    Roster r(k_berlin);
    const Context ctx = r.ctx(r.at("2026-10-20 12:00"));

    SUBCASE("the night summer time ends is an hour longer") {
        const auto night = roster::on_duty(ctx, r.at("2026-10-25T00:30:00Z"), "nights");
        REQUIRE(night.size() == 1);
        CHECK(night[0].start == r.at("2026-10-24T20:00:00Z")); // 22:00 CEST
        CHECK(night[0].end == r.at("2026-10-25T05:00:00Z"));   // 06:00 CET
        CHECK(night[0].end - night[0].start == 9 * 3600);
        const auto before = roster::on_duty(ctx, r.at("2026-10-23T22:00:00Z"), "nights");
        CHECK(before.at(0).end - before.at(0).start == 8 * 3600);
    }

    SUBCASE("the weekly handoff stays at 09:00 local time") {
        // From 10-05: a, then b from Monday 10-12, a from 10-19, b from 10-26 09:00 CET (08:00Z).
        const auto load = roster::load(ctx, r.at("2026-10-26T07:59:00Z"),
                                       r.at("2026-10-26T08:00:00Z"), roster::Scope{"nights", ""});
        CHECK(load.at(0).seconds == 0);
        CHECK(
            roster::schedule(ctx, r.at("2026-10-26"), r.at("2026-10-27"), "nights").back().person ==
            "b");
        CHECK(
            roster::schedule(ctx, r.at("2026-10-25"), r.at("2026-10-26"), "nights").back().person ==
            "a");
    }

    SUBCASE("gaps are the days between the nights") {
        const auto gaps = roster::gaps(ctx, r.at("2026-10-20 00:00"), r.at("2026-10-21 00:00"));
        REQUIRE(gaps.size() == 1);
        CHECK(gaps[0].start == r.at("2026-10-20 06:00"));
        CHECK(gaps[0].end == r.at("2026-10-20 22:00"));
    }
}
