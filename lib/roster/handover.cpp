#include "lib/roster/handover.hpp"

#include "lib/core/error.hpp"
#include "lib/notify/notify.hpp"
#include "lib/roster/duty.hpp"
#include "lib/roster/override.hpp"
#include "lib/roster/audit.hpp"
#include "lib/store/roster_repo.hpp"

#include <fmt/format.h>

namespace opsctl::roster {

namespace {

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

} // namespace

nlohmann::json handover_snapshot(const Context&) {
    nlohmann::json s = nlohmann::json::object();
    s["tickets"] = nlohmann::json::array();
    s["slas"] = nlohmann::json::array();
    s["inspections"] = nlohmann::json::array();
    s["backups"] = nlohmann::json::array();
    s["unavailable"] = nlohmann::json::array({"tickets", "slas", "inspections", "backups"});
    return s;
}

Handover record_handover(const Context& ctx, const HandoverRequest& request) {
    require_person(ctx, ctx.actor);
    if (request.to) {
        require_person(ctx, *request.to);
    }
    if (!request.rotation.empty()) {
        require_rotation(ctx, request.rotation);
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
    std::optional<Duty> mine;
    for (std::int64_t at : {ctx.now, ctx.now - 1}) {
        for (const auto& d : on_duty(ctx, at, request.rotation)) {
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
        // The next person: whoever is on duty when the actor's duty ends, else right now.
        const std::int64_t when = mine ? std::max(mine->end, ctx.now) : ctx.now;
        for (const auto& d : on_duty(ctx, when, *h.rotation)) {
            if (d.person != ctx.actor) {
                h.to = d.person;
                break;
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
    store::WriteTransaction tx(ctx.db);
    h.id = store::insert_handover(ctx.db, row);
    record_roster_event(ctx, "roster_handover", h.id, "created", fields);
    tx.commit();
    fields["id"] = h.id;
    fields["snapshot"] = h.snapshot;
    notify::emit(ctx.policy.notify, ctx.policy.site.name, "roster.handover", fields, ctx.now);
    return h;
}

std::vector<Handover> handovers(const Context& ctx, std::int64_t from, std::int64_t to) {
    std::vector<Handover> out;
    for (const auto& r : store::handovers_between(ctx.db, from, to)) {
        out.push_back(from_row(r));
    }
    return out;
}

} // namespace opsctl::roster
