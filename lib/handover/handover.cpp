#include "lib/handover/handover.hpp"

#include "lib/backup/service.hpp"
#include "lib/core/duration.hpp"
#include "lib/core/error.hpp"
#include "lib/core/time.hpp"
#include "lib/inspect/service.hpp"
#include "lib/inspect/status.hpp"
#include "lib/notify/notify.hpp"
#include "lib/notify/outbox.hpp"
#include "lib/output/time.hpp"
#include "lib/context/audit.hpp"
#include "lib/roster/duty.hpp"
#include "lib/roster/override.hpp"
#include "lib/store/roster_repo.hpp"
#include "lib/ticket/service.hpp"

#include <fmt/format.h>

namespace opsctl::handover {

namespace {

// An SLA clock that has used this share of its target is "at risk" at a handover.
constexpr double k_at_risk_share = 0.75;

std::int64_t list_size(const nlohmann::json& snapshot, const char* key) {
    auto it = snapshot.find(key);
    return it != snapshot.end() && it->is_array() ? static_cast<std::int64_t>(it->size()) : 0;
}

Handover from_row(const store::HandoverRow& r) {
    Handover h;
    h.id = r.id;
    h.at = r.at;
    h.rotation = r.rotation;
    h.from = r.from_person;
    h.to = r.to_person;
    h.note = r.note;
    h.snapshot = nlohmann::json::parse(r.snapshot, nullptr, false);
    if (h.snapshot.is_discarded()) {
        h.snapshot = nlohmann::json::object();
    }
    h.open_tickets = r.open_tickets;
    h.at_risk_slas = r.at_risk_slas;
    h.failed_inspections = r.failed_inspections;
    h.stale_backups = r.stale_backups;
    return h;
}

// A ticket as the next shift needs to see it: enough to act on without opening it.
nlohmann::json ticket_item(const Context& ctx, const ticket::TicketSummary& t) {
    nlohmann::json j{{"id", t.id},         {"type", t.type},   {"priority", t.priority},
                     {"status", t.status}, {"title", t.title}, {"assignee", t.assignee}};
    const bool breached = t.response_breached || t.resolution_breached;
    j["breached"] = breached;
    const auto due = t.response_due_at ? t.response_due_at : t.resolution_due_at;
    j["due_at"] = due ? nlohmann::json(*due) : nlohmann::json();
    std::string summary = fmt::format("#{} {} {}", t.id, t.priority, t.title);
    if (!t.assignee.empty()) {
        summary += fmt::format(" ({})", t.assignee);
    }
    if (breached) {
        summary += " [breached]";
    } else if (due) {
        summary += fmt::format(" [due {}]", core::format_time_short(*due, ctx.zone()));
    }
    j["summary"] = summary;
    return j;
}

// An inspection item whose latest result is WARNING or CRITICAL, with when it was seen so.
nlohmann::json inspection_item(const Context& ctx, const inspect::ResultRecord& r) {
    const std::string status = inspect::status_name(r.status);
    const std::int64_t seen = r.recorded_at.value_or(r.run_started_at);
    nlohmann::json j{
        {"checklist", r.checklist}, {"item", r.item},     {"target", r.target}, {"status", status},
        {"message", r.message},     {"run_id", r.run_id}, {"at", seen}};
    std::string summary = fmt::format("{}/{}", r.checklist, r.item);
    if (!r.target.empty()) {
        summary += fmt::format(" on {}", r.target);
    }
    // Plugin output usually starts with the status ("CRITICAL - disk full"): say it once.
    if (r.message.rfind(status, 0) == 0) {
        summary += fmt::format(": {}", r.message);
    } else if (r.message.empty()) {
        summary += fmt::format(": {}", status);
    } else {
        summary += fmt::format(": {} - {}", status, r.message);
    }
    summary += fmt::format(" (run {}, {})", r.run_id, core::format_time_short(seen, ctx.zone()));
    j["summary"] = summary;
    return j;
}

// A job is stale when it has no good backup at all, or its newest good backup is older than
// the job's max_age (the same calendar rule `backup status` applies). A failed run inside
// max_age is not stale: `backup status` reports it, and an older good backup still exists.
std::optional<nlohmann::json> stale_backup_item(const Context& ctx, const backup::JobStatus& s) {
    const auto it = ctx.policy.backups.jobs.find(s.job);
    if (it == ctx.policy.backups.jobs.end()) {
        return std::nullopt;
    }
    const auto& max_age = it->second.max_age;
    std::string why;
    if (!s.last_success_at) {
        why = s.last_run_id ? fmt::format("no successful backup (last run {} {})", *s.last_run_id,
                                          s.last_run_status)
                            : std::string("never ran");
    } else if (max_age && core::add_calendar(*s.last_success_at, *max_age, ctx.zone()) < ctx.now) {
        why = fmt::format("newest backup is {} old, past max_age {}",
                          core::format_seconds(ctx.now - *s.last_success_at),
                          core::format_duration(*max_age));
    } else {
        return std::nullopt;
    }
    nlohmann::json j{{"job", s.job}, {"kind", s.kind}, {"reason", why}};
    j["last_success_at"] =
        s.last_success_at ? nlohmann::json(*s.last_success_at) : nlohmann::json();
    j["max_age"] = max_age ? nlohmann::json(core::format_duration(*max_age)) : nlohmann::json();
    j["summary"] = fmt::format("{}: {}", s.job, why);
    return j;
}

} // namespace

nlohmann::json snapshot_for_output(const nlohmann::json& snapshot, const core::Zone& zone) {
    return output::iso_times(snapshot, zone);
}

nlohmann::json handover_snapshot(const Context& ctx) {
    nlohmann::json s = nlohmann::json::object();
    s["tickets"] = nlohmann::json::array();
    s["slas"] = nlohmann::json::array();
    s["inspections"] = nlohmann::json::array();
    s["backups"] = nlohmann::json::array();
    // The domain services take a mutable Context (the ticket service refreshes SLA clocks as
    // it reads).
    Context c = ctx;
    const auto names = ctx.policy.tickets.priority_names();
    // "P1/P2": the two most urgent priorities of the policy, whatever they are called.
    const std::vector<std::string> urgent(names.begin(),
                                          names.begin() + std::min<std::size_t>(2, names.size()));
    if (!urgent.empty()) {
        for (const auto& t : ticket::open_tickets(c, urgent)) {
            s["tickets"].push_back(ticket_item(ctx, t));
        }
    }
    for (const auto& t : ticket::at_risk_tickets(c, k_at_risk_share)) {
        s["slas"].push_back(ticket_item(ctx, t));
    }
    // Only items of checklists the policy still has: a removed check cannot recover, and
    // would otherwise be handed over for ever.
    for (const auto& r : inspect::failed_items_now(c)) {
        const auto* list = ctx.policy.checklists.find(r.checklist);
        if (list != nullptr && list->item(r.item) != nullptr) {
            s["inspections"].push_back(inspection_item(ctx, r));
        }
    }
    for (const auto& job : backup::job_statuses(c)) {
        if (auto item = stale_backup_item(ctx, job)) {
            s["backups"].push_back(std::move(*item));
        }
    }
    return s;
}

Handover record_handover(const Context& ctx, const HandoverRequest& request) {
    roster::require_person(ctx, ctx.actor);
    if (request.to) {
        roster::require_person(ctx, *request.to);
    }
    if (!request.rotation.empty()) {
        roster::require_rotation(ctx, request.rotation);
    }
    Handover h;
    h.at = ctx.now;
    h.from = ctx.actor;
    h.note = request.note;
    h.to = request.to;
    if (!request.rotation.empty()) {
        h.rotation = request.rotation;
    }
    // Without --rotation, the handover is for the rotation the actor is on duty for now (or
    // was on duty for until a moment ago: handovers happen at the end of a shift).
    std::optional<roster::Duty> mine;
    for (std::int64_t at : {ctx.now, ctx.now - 1}) {
        for (const auto& d : roster::on_duty(ctx, at, request.rotation)) {
            if (d.person == ctx.actor) {
                mine = d;
                break;
            }
        }
        if (mine) {
            break;
        }
    }
    if (mine && !h.rotation) {
        h.rotation = mine->rotation;
    }
    if (!h.to && h.rotation) {
        // The next person: whoever of the same team is on duty when the actor's duty ends (the
        // day shift hands over to the night shift), else the next other person of the rotation.
        const std::int64_t when = mine ? std::max(mine->end, ctx.now) : ctx.now;
        const std::string team = ctx.policy.roster.rotation(*h.rotation)->team;
        for (const auto& d : roster::on_duty(ctx, when)) {
            if (d.person != ctx.actor && ctx.policy.roster.rotation(d.rotation)->team == team) {
                h.to = d.person;
                break;
            }
        }
        if (!h.to) {
            for (const auto& d : roster::schedule(ctx, when, when + 15 * 86400, *h.rotation)) {
                if (d.person != ctx.actor && d.start >= when) {
                    h.to = d.person;
                    break;
                }
            }
        }
    }
    h.snapshot = handover_snapshot(ctx);
    h.open_tickets = list_size(h.snapshot, "tickets");
    h.at_risk_slas = list_size(h.snapshot, "slas");
    h.failed_inspections = list_size(h.snapshot, "inspections");
    h.stale_backups = list_size(h.snapshot, "backups");

    store::HandoverRow row;
    row.at = h.at;
    row.rotation = h.rotation;
    row.from_person = h.from;
    row.to_person = h.to;
    row.note = h.note;
    row.snapshot = h.snapshot.dump();
    row.open_tickets = h.open_tickets;
    row.at_risk_slas = h.at_risk_slas;
    row.failed_inspections = h.failed_inspections;
    row.stale_backups = h.stale_backups;
    nlohmann::json fields{{"from", h.from},
                          {"to", h.to ? nlohmann::json(*h.to) : nlohmann::json()},
                          {"rotation", h.rotation ? nlohmann::json(*h.rotation) : nlohmann::json()},
                          {"note", h.note},
                          {"open_tickets", h.open_tickets},
                          {"at_risk_slas", h.at_risk_slas},
                          {"failed_inspections", h.failed_inspections},
                          {"stale_backups", h.stale_backups}};
    store::write_transaction(ctx.db, [&] {
        h.id = store::insert_handover(ctx.db, row);
        audit::record(ctx, "roster_handover", std::to_string(h.id), "created", fields);
        fields["id"] = h.id;
        notify::queue(ctx, "roster.handover", fields);
    });
    fields["snapshot"] = h.snapshot;
    notify::after_commit(ctx, "roster.handover", fields);
    return h;
}

std::vector<Handover> handovers(const Context& ctx, std::int64_t from, std::int64_t to) {
    std::vector<Handover> out;
    for (const auto& r : store::handovers_between(ctx.db, from, to)) {
        out.push_back(from_row(r));
    }
    return out;
}

} // namespace opsctl::handover
