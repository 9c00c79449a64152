#include "lib/core/calendar.hpp"
#include "lib/core/time.hpp"
#include "lib/ticket/sla.hpp"

#include <doctest/doctest.h>

using namespace opsctl;

namespace {

core::Zone shanghai() { return core::Zone("Asia/Shanghai"); }

core::BusinessCalendar calendar() {
    core::CalendarSpec spec;
    spec.hours = {{9 * 3600, 12 * 3600}, {13 * 3600 + 1800, 18 * 3600}};
    for (int d = 1; d <= 7; ++d) {
        spec.holidays[core::Date{2026, 10, d}] = "国庆节";
    }
    spec.makeup_workdays[core::Date{2026, 10, 10}] = "国庆节调休";
    return core::BusinessCalendar(spec, shanghai());
}

policy::Workflow standard() {
    policy::Workflow w;
    w.name = "standard";
    w.initial = "new";
    w.reopen = "in-progress";
    auto add = [&](std::string name, std::vector<std::string> next, bool final, bool pause, bool resolved) {
        policy::WorkflowState s;
        s.name = name;
        s.title = name;
        s.next = std::move(next);
        s.final = final;
        s.pause = pause;
        s.resolved = resolved;
        w.states.push_back(s);
    };
    add("new", {"in-progress", "waiting"}, false, false, false);
    add("in-progress", {"waiting", "resolved"}, false, false, false);
    add("waiting", {"in-progress"}, false, true, false);
    add("resolved", {"closed", "in-progress"}, false, false, true);
    add("closed", {}, true, false, false);
    return w;
}

std::int64_t at(const char* text) { return *core::parse_time(text, shanghai()); }

store::Event event(const char* when, const char* action, nlohmann::json fields) {
    store::Event e;
    e.at = at(when);
    e.action = action;
    e.fields = std::move(fields);
    return e;
}

policy::SlaRule rule(const char* response, const char* resolution, policy::SlaClockKind kind) {
    policy::SlaRule r;
    r.name = "test";
    r.response = core::parse_duration(response);
    r.resolution = core::parse_duration(resolution);
    r.clock = kind;
    return r;
}

} // namespace

TEST_CASE("ticket SLA clocks from the events history") {
    const auto cal = calendar();
    const auto wf = standard();

    SUBCASE("a response after lunch counts only working time") {
        const auto r = rule("2h", "1d", policy::SlaClockKind::business);
        std::vector<store::Event> ev = {event("2026-10-09T11:00:00+08:00", "created", {{"status", "new"}}),
                                        event("2026-10-09T14:30:00+08:00", "commented", {{"internal", false}})};
        const auto t = ticket::timeline_from_events(ev, wf);
        const auto c = ticket::response_clock(t, {wf, &r, cal, at("2026-10-09T15:00:00+08:00"), false});
        CHECK(c.elapsed == 2 * 3600); // 11:00-12:00 and 13:30-14:30
        CHECK(c.stopped);
        CHECK_FALSE(c.breached);
        CHECK(*c.due_at == at("2026-10-09T14:30:00+08:00"));
    }

    SUBCASE("an internal comment is no response; three working days run over the holiday and the make-up Saturday") {
        const auto r = rule("3d", "10d", policy::SlaClockKind::business);
        std::vector<store::Event> ev = {event("2026-09-30T17:00:00+08:00", "created", {{"status", "new"}}),
                                        event("2026-09-30T17:30:00+08:00", "commented", {{"internal", true}})};
        const auto t = ticket::timeline_from_events(ev, wf);
        const auto c = ticket::response_clock(t, {wf, &r, cal, at("2026-10-10T18:00:00+08:00"), true});
        CHECK_FALSE(c.stopped);
        // 1h on 09-30, 7.5h on 10-08, 7.5h on 10-09, the rest on Saturday 10-10 (make-up workday).
        CHECK(*c.due_at == at("2026-10-10T17:00:00+08:00"));
        CHECK(c.breached);
        bool holiday = false, makeup = false;
        for (const auto& p : c.pieces) {
            holiday = holiday || p.why.find("holiday 国庆节") != std::string::npos;
            makeup = makeup || p.why.find("make-up workday") != std::string::npos;
        }
        CHECK(holiday);
        CHECK(makeup);
    }

    SUBCASE("pause states stop the resolution clock; reopening keeps time already counted") {
        const auto r = rule("2h", "1d", policy::SlaClockKind::business);
        std::vector<store::Event> ev = {
            event("2026-10-12T09:00:00+08:00", "created", {{"status", "new"}}),
            event("2026-10-12T10:00:00+08:00", "moved", {{"status", {"new", "waiting"}}}),
            event("2026-10-13T10:00:00+08:00", "moved", {{"status", {"waiting", "in-progress"}}}),
            event("2026-10-13T11:00:00+08:00", "resolved", {{"status", {"in-progress", "resolved"}}}),
            event("2026-10-14T09:00:00+08:00", "reopened", {{"status", {"resolved", "in-progress"}}})};
        const auto t = ticket::timeline_from_events(ev, wf);
        CHECK(*t.responded_at == at("2026-10-12T10:00:00+08:00"));
        const auto c = ticket::resolution_clock(t, {wf, &r, cal, at("2026-10-14T10:00:00+08:00"), false});
        CHECK(c.elapsed == 3 * 3600);
        CHECK(c.paused == 24 * 3600);
        CHECK_FALSE(c.stopped);
        CHECK(c.state() == "running");
    }

    SUBCASE("a 24x7 clock counts nights and weekends") {
        const auto r = rule("30m", "4h", policy::SlaClockKind::around_the_clock);
        std::vector<store::Event> ev = {event("2026-10-10T23:00:00+08:00", "created", {{"status", "new"}})};
        const auto t = ticket::timeline_from_events(ev, wf);
        const auto c = ticket::resolution_clock(t, {wf, &r, cal, at("2026-10-11T02:00:00+08:00"), false});
        CHECK(c.elapsed == 3 * 3600);
        CHECK(*c.due_at == at("2026-10-11T03:00:00+08:00"));
        CHECK(c.used() == doctest::Approx(0.75));
    }

    SUBCASE("a higher priority later changes the target, not the time counted") {
        const auto slow = rule("1d", "3d", policy::SlaClockKind::business);
        const auto fast = rule("2h", "4h", policy::SlaClockKind::business);
        std::vector<store::Event> ev = {event("2026-10-12T09:00:00+08:00", "created", {{"status", "new"}}),
                                        event("2026-10-12T11:00:00+08:00", "updated", {{"priority", {"P3", "P1"}}})};
        const auto t = ticket::timeline_from_events(ev, wf);
        const auto a = ticket::response_clock(t, {wf, &slow, cal, at("2026-10-12T14:30:00+08:00"), false});
        const auto b = ticket::response_clock(t, {wf, &fast, cal, at("2026-10-12T14:30:00+08:00"), false});
        CHECK(a.elapsed == b.elapsed);
        CHECK_FALSE(a.breached);
        CHECK(b.breached);
    }
}

TEST_CASE("ticket SLA: only an act of a person is the first response") {
    const auto cal = calendar();
    const auto wf = standard();
    const auto r = rule("30m", "4h", policy::SlaClockKind::around_the_clock);

    SUBCASE("an escalation that reassigns is no response; the clock keeps running") {
        std::vector<store::Event> ev = {
            event("2026-10-10T20:00:00+08:00", "created", {{"status", "new"}}),
            event("2026-10-10T20:31:00+08:00", "escalated",
                  {{"clock", "response"}, {"at", "100%"}, {"assignee", {nullptr, "zhangwei"}}})};
        const auto t = ticket::timeline_from_events(ev, wf);
        CHECK_FALSE(t.responded_at);
        const auto c = ticket::response_clock(t, {wf, &r, cal, at("2026-10-10T21:00:00+08:00"), false});
        CHECK_FALSE(c.stopped);
        CHECK(c.elapsed == 3600);
        CHECK(c.breached);
    }
    SUBCASE("an assignment by a person after the escalation is the response") {
        std::vector<store::Event> ev = {
            event("2026-10-10T20:00:00+08:00", "created", {{"status", "new"}}),
            event("2026-10-10T20:31:00+08:00", "escalated", {{"assignee", {nullptr, "zhangwei"}}}),
            event("2026-10-10T20:40:00+08:00", "assigned", {{"assignee", {"zhangwei", "lina"}}})};
        const auto t = ticket::timeline_from_events(ev, wf);
        REQUIRE(t.responded_at);
        CHECK(*t.responded_at == at("2026-10-10T20:40:00+08:00"));
    }
    SUBCASE("a ticket an inspection opened and assigned is not answered; one a person opened is") {
        std::vector<store::Event> automatic = {event(
            "2026-10-10T20:00:00+08:00", "created",
            {{"status", "new"}, {"assignee", "lina"}, {"source", "inspect:daily:disk:localhost"}})};
        CHECK_FALSE(ticket::timeline_from_events(automatic, wf).responded_at);
        std::vector<store::Event> by_hand = {
            event("2026-10-10T20:00:00+08:00", "created", {{"status", "new"}, {"assignee", "lina"}})};
        CHECK(ticket::timeline_from_events(by_hand, wf).responded_at);
    }
}

TEST_CASE("ticket SLA: a priority change never breaches at the moment it is made") {
    const auto cal = calendar();
    const auto wf = standard();
    const auto slow = rule("1d", "3d", policy::SlaClockKind::business);   // 1d = 7h 30m here
    const auto fast = rule("2h", "4h", policy::SlaClockKind::business);
    const auto created = at("2026-10-12T09:00:00+08:00");
    const auto changed = at("2026-10-12T11:00:00+08:00"); // 2h of working time used
    std::vector<store::Event> ev = {event("2026-10-12T09:00:00+08:00", "created",
                                          {{"status", "new"}, {"type", "incident"}, {"priority", "P3"}}),
                                    event("2026-10-12T11:00:00+08:00", "updated", {{"priority", {"P3", "P1"}}})};
    const auto t = ticket::timeline_from_events(ev, wf);
    REQUIRE(t.keys.size() == 2);
    CHECK(t.keys[1].priority == "P1");
    CHECK(t.keys[1].type == "incident");

    SUBCASE("stricter: the new target counts from the change") {
        ticket::ClockSetup s{wf, &fast, cal, changed, false, {{created, &slow}, {changed, &fast}}};
        const auto now = ticket::response_clock(t, s);
        CHECK(*now.target == 4 * 3600); // 2h used + 2h from the change (sooner than 7h 30m)
        CHECK_FALSE(now.breached);
        CHECK(now.used() == doctest::Approx(0.5));
        s.now = at("2026-10-12T14:30:00+08:00");
        const auto later = ticket::response_clock(t, s);
        CHECK(*later.due_at == at("2026-10-12T14:30:00+08:00"));
        CHECK_FALSE(later.breached);
        s.now = at("2026-10-12T14:31:00+08:00");
        CHECK(ticket::response_clock(t, s).breached);
    }
    SUBCASE("stricter, but the old due time is sooner: it stays") {
        const auto three = rule("3h", "3d", policy::SlaClockKind::business);
        ticket::ClockSetup s{wf, &fast, cal, changed, false, {{created, &three}, {changed, &fast}}};
        CHECK(*ticket::response_clock(t, s).target == 3 * 3600);
    }
    SUBCASE("looser: the new target applies from creation") {
        const auto three = rule("3h", "3d", policy::SlaClockKind::business); // 2h of 3h used at the change
        ticket::ClockSetup s{wf, &slow, cal, changed, false, {{created, &three}, {changed, &slow}}};
        CHECK(*ticket::response_clock(t, s).target == 7 * 3600 + 1800);
    }
    SUBCASE("a clock already past its target keeps it: a change does not end a breach") {
        const auto hour = rule("1h", "4h", policy::SlaClockKind::business);
        ticket::ClockSetup s{wf, &slow, cal, changed, false, {{created, &hour}, {changed, &slow}}};
        const auto c = ticket::response_clock(t, s);
        CHECK(*c.target == 3600);
        CHECK(c.breached);
    }
    SUBCASE("without the history of changes the current rule applies from creation") {
        const auto c = ticket::response_clock(t, {wf, &fast, cal, changed, false});
        CHECK(*c.target == 2 * 3600);
    }
}
