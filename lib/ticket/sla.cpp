#include "lib/ticket/sla.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace opsctl::ticket {

namespace {

std::optional<std::int64_t> json_time(const nlohmann::json& fields, const char* key) {
    auto it = fields.find(key);
    if (it == fields.end() || !it->is_number_integer()) {
        return std::nullopt;
    }
    return it->get<std::int64_t>();
}

// The new value of a changed field written as [old, new], or of a plain value.
std::optional<std::string> new_value(const nlohmann::json& fields, const char* key) {
    auto it = fields.find(key);
    if (it == fields.end()) {
        return std::nullopt;
    }
    const nlohmann::json& v = it->is_array() && it->size() == 2 ? (*it)[1] : *it;
    return v.is_string() ? std::optional<std::string>(v.get<std::string>()) : std::optional<std::string>("");
}

bool is_stop_state(const policy::Workflow& wf, const std::string& state) {
    const auto* s = wf.state(state);
    return s && (s->final || s->resolved);
}

bool is_pause_state(const policy::Workflow& wf, const std::string& state) {
    const auto* s = wf.state(state);
    return s && s->pause;
}

std::string state_title(const policy::Workflow& wf, const std::string& state) {
    const auto* s = wf.state(state);
    return s && s->title != state ? fmt::format("{} ({})", state, s->title) : state;
}

// Why no business time was counted in [from, to): the kinds of the days it covers.
std::string gap_reason(const core::BusinessCalendar& cal, std::int64_t from, std::int64_t to) {
    const auto& zone = cal.zone();
    std::set<std::string> reasons;
    core::Date d = zone.date_of(from);
    const core::Date last = zone.date_of(to - 1);
    for (int guard = 0; d <= last && guard < 400; ++guard, d = core::add_days(d, 1)) {
        switch (cal.day_kind(d)) {
        case core::DayKind::holiday:
            reasons.insert("holiday " + cal.day_name(d).value_or(""));
            break;
        case core::DayKind::weekend:
            reasons.insert("weekend");
            break;
        default:
            break;
        }
    }
    if (reasons.empty()) {
        return "outside working hours";
    }
    std::string out;
    for (const auto& r : reasons) {
        out += (out.empty() ? "" : ", ") + r;
    }
    return out;
}

struct Segment {
    std::int64_t start;
    std::int64_t end;
    std::string state;
};

// The state segments of a timeline clipped to [created, until).
std::vector<Segment> segments(const Timeline& t, std::int64_t until) {
    std::vector<Segment> out;
    for (std::size_t i = 0; i < t.states.size(); ++i) {
        std::int64_t start = std::max(t.states[i].first, t.created_at);
        std::int64_t end = i + 1 < t.states.size() ? t.states[i + 1].first : until;
        end = std::min(end, until);
        if (end > start) {
            out.push_back({start, end, t.states[i].second});
        } else if (i + 1 == t.states.size()) {
            out.push_back({start, start, t.states[i].second});
        }
    }
    return out;
}

// Time counted on a clock from creation to `until` (pause and, for resolution, stop states
// left out), on the clock's kind.
std::int64_t counted_until(const Timeline& t, const ClockSetup& s, bool response, bool business, std::int64_t until) {
    std::int64_t total = 0;
    for (const auto& seg : segments(t, until)) {
        if (is_pause_state(s.workflow, seg.state) || (!response && is_stop_state(s.workflow, seg.state))) {
            continue;
        }
        total += business ? s.calendar.business_seconds(seg.start, seg.end) : seg.end - seg.start;
    }
    return total;
}

// The target of a clock whose rule changed (ClockSetup::rules): each change keeps the clock
// from breaching at the moment it is made.
std::optional<std::int64_t> changed_target(const Timeline& t, const ClockSetup& s, bool response,
                                           policy::SlaClockKind kind) {
    const bool business = kind == policy::SlaClockKind::business;
    auto target_of = [&](const policy::SlaRule* rule) -> std::optional<std::int64_t> {
        if (!rule) {
            return std::nullopt;
        }
        const auto& d = response ? rule->response : rule->resolution;
        return d ? std::optional<std::int64_t>(target_seconds(*d, kind, s.calendar)) : std::nullopt;
    };
    std::optional<std::int64_t> target = target_of(s.rules.front().second);
    for (std::size_t i = 1; i < s.rules.size(); ++i) {
        const auto [at, rule] = s.rules[i];
        if (response && t.responded_at && *t.responded_at <= at) {
            break; // answered before the change: the response clock was judged already
        }
        const auto next = target_of(rule);
        if (!next) {
            target.reset();
            continue;
        }
        const std::int64_t used = counted_until(t, s, response, business, at);
        if (!target) {
            target = used + *next;
        } else if (used >= *target) {
            // Already past its target: the change neither ends the breach nor moves it.
        } else if (*next >= *target) {
            target = *next; // looser: as if it had had this priority from the start
        } else {
            target = std::min(*target, used + *next); // stricter: from the change, unless sooner before
        }
    }
    return target;
}

SlaClock compute(const Timeline& t, const ClockSetup& s, const std::string& name, bool response) {
    SlaClock c;
    c.name = name;
    const auto& cal = s.calendar;
    if (s.rule) {
        c.kind = s.rule->clock;
        const auto& d = response ? s.rule->response : s.rule->resolution;
        if (d) {
            c.target = target_seconds(*d, c.kind, cal);
        }
    }
    const bool business = c.kind == policy::SlaClockKind::business;
    if (business) {
        c.workday_secs = cal.workday_seconds();
    }
    if (s.rules.size() > 1) {
        c.target = changed_target(t, s, response, c.kind);
    }
    std::int64_t until = s.now;
    if (response && t.responded_at) {
        c.stopped = true;
        c.stopped_at = std::max(*t.responded_at, t.created_at);
        until = *c.stopped_at;
    }
    const auto segs = segments(t, until);
    if (!response && !segs.empty() && is_stop_state(s.workflow, segs.back().state)) {
        c.stopped = true;
        c.stopped_at = segs.back().start;
    }
    if (!c.stopped && !segs.empty() && is_pause_state(s.workflow, segs.back().state)) {
        c.paused_now = true;
    }
    std::vector<Segment> running;
    for (const auto& seg : segs) {
        const std::int64_t len = seg.end - seg.start;
        if (is_pause_state(s.workflow, seg.state)) {
            c.paused += len;
            if (s.explain && len > 0) {
                c.pieces.push_back({seg.start, seg.end, seg.state, 0, "paused: " + state_title(s.workflow, seg.state)});
            }
            continue;
        }
        if (!response && is_stop_state(s.workflow, seg.state)) {
            if (s.explain && len > 0) {
                c.pieces.push_back({seg.start, seg.end, seg.state, 0, "stopped: " + state_title(s.workflow, seg.state)});
            }
            continue;
        }
        if (len <= 0) {
            continue;
        }
        running.push_back(seg);
        const std::int64_t biz = cal.business_seconds(seg.start, seg.end);
        c.business_elapsed += biz;
        c.elapsed += business ? biz : len;
        if (!s.explain) {
            continue;
        }
        if (!business) {
            c.pieces.push_back({seg.start, seg.end, seg.state, len, "24x7 clock"});
            continue;
        }
        std::int64_t at = seg.start;
        for (const auto& span : cal.working_spans(seg.start, seg.end)) {
            if (span.start > at) {
                c.pieces.push_back({at, span.start, seg.state, 0, gap_reason(cal, at, span.start)});
            }
            std::string why = "working hours";
            if (span.kind == core::DayKind::makeup_workday) {
                why = "make-up workday " + cal.day_name(span.date).value_or("");
            }
            c.pieces.push_back({span.start, span.end, seg.state, span.end - span.start, why});
            at = span.end;
        }
        if (at < seg.end) {
            c.pieces.push_back({at, seg.end, seg.state, 0, gap_reason(cal, at, seg.end)});
        }
    }
    if (!c.target) {
        return c;
    }
    auto advance = [&](std::int64_t from, std::int64_t secs) {
        return business ? cal.add_business(from, secs) : from + secs;
    };
    const std::int64_t target = *c.target;
    if (c.elapsed >= target) {
        // Walk the running stretches to the instant the target was used up.
        std::int64_t acc = 0;
        for (const auto& seg : running) {
            const std::int64_t counted = business ? cal.business_seconds(seg.start, seg.end) : seg.end - seg.start;
            if (acc + counted >= target) {
                c.due_at = advance(seg.start, target - acc);
                break;
            }
            acc += counted;
        }
        if (!c.due_at) {
            c.due_at = t.created_at;
        }
        const std::int64_t judged_at = c.stopped ? *c.stopped_at : s.now;
        c.breached = *c.due_at < judged_at;
    } else if (c.stopped) {
        c.due_at = advance(*c.stopped_at, target - c.elapsed);
    } else if (!c.paused_now) {
        c.due_at = advance(s.now, target - c.elapsed);
    }
    return c;
}

} // namespace

double SlaClock::used() const {
    if (!target || *target <= 0) {
        return 0.0;
    }
    return static_cast<double>(elapsed) / static_cast<double>(*target);
}

std::string SlaClock::state() const {
    if (!target) {
        return "none";
    }
    if (breached) {
        return "breached";
    }
    if (stopped) {
        return "met";
    }
    return paused_now ? "paused" : "running";
}

std::int64_t target_seconds(const core::Duration& d, policy::SlaClockKind kind, const core::BusinessCalendar& cal) {
    return kind == policy::SlaClockKind::business ? cal.to_business_seconds(d) : d.approx_seconds();
}

Timeline timeline_from_events(const std::vector<store::Event>& events, const policy::Workflow& workflow) {
    Timeline t;
    bool moved = false;
    for (const auto& e : events) {
        const auto& f = e.fields;
        if (e.action == "created") {
            t.created_at = e.at;
            t.states.clear();
            t.states.emplace_back(e.at, new_value(f, "status").value_or(workflow.initial));
            // A ticket opened by an automatic source (an inspection) and assigned on the way
            // has not been answered by anyone.
            const bool automatic = f.contains("source");
            if (auto a = new_value(f, "assignee"); a && !a->empty() && !automatic) {
                t.responded_at = e.at;
            }
            t.keys.clear();
            t.keys.push_back({e.at, new_value(f, "type").value_or(""), new_value(f, "priority").value_or("")});
            continue;
        }
        if (e.action == "imported") {
            // An imported ticket carries its own history as timestamps; replay them.
            t.created_at = json_time(f, "created_at").value_or(e.at);
            const std::string status = new_value(f, "status").value_or(workflow.initial);
            t.states.clear();
            t.states.emplace_back(t.created_at, workflow.initial);
            t.responded_at = json_time(f, "responded_at");
            const auto resolved = json_time(f, "resolved_at");
            const auto closed = json_time(f, "closed_at");
            if (status != workflow.initial) {
                std::string resolved_state;
                for (const auto& st : workflow.states) {
                    if (st.resolved) {
                        resolved_state = st.name;
                        break;
                    }
                }
                if (resolved && closed && *resolved < *closed && !resolved_state.empty()) {
                    t.states.emplace_back(*resolved, resolved_state);
                    t.states.emplace_back(*closed, status);
                } else {
                    const auto since = closed ? closed : resolved ? resolved : t.responded_at;
                    t.states.emplace_back(since.value_or(t.created_at), status);
                }
            }
            moved = true;
            continue;
        }
        if (!t.keys.empty() && (f.contains("type") || f.contains("priority"))) {
            SlaKey key = t.keys.back();
            key.since = e.at;
            key.type = new_value(f, "type").value_or(key.type);
            key.priority = new_value(f, "priority").value_or(key.priority);
            t.keys.push_back(std::move(key));
        }
        // Escalations are the tool's own doing, not an answer from a person.
        const bool by_person = e.action != "escalated";
        auto st = f.find("status");
        if (st != f.end() && st->is_array() && st->size() == 2 && (*st)[1].is_string()) {
            t.states.emplace_back(e.at, (*st)[1].get<std::string>());
            if (!moved && !t.responded_at && by_person) {
                t.responded_at = e.at;
            }
            moved = true;
        }
        if (auto a = f.find("assignee"); by_person && a != f.end() && a->is_array() && a->size() == 2 &&
                                         (*a)[1].is_string() && !(*a)[1].get<std::string>().empty() &&
                                         !t.responded_at) {
            t.responded_at = e.at;
        }
        if (e.action == "commented" && !t.responded_at) {
            auto internal = f.find("internal");
            if (internal == f.end() || !internal->is_boolean() || !internal->get<bool>()) {
                t.responded_at = e.at;
            }
        }
    }
    if (t.states.empty()) {
        t.states.emplace_back(t.created_at, workflow.initial);
    }
    return t;
}

SlaClock response_clock(const Timeline& timeline, const ClockSetup& setup) {
    return compute(timeline, setup, "response", true);
}

SlaClock resolution_clock(const Timeline& timeline, const ClockSetup& setup) {
    return compute(timeline, setup, "resolution", false);
}

} // namespace opsctl::ticket
