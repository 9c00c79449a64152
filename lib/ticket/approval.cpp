#include "lib/ticket/approval.hpp"

#include "lib/context/audit.hpp"
#include "lib/core/error.hpp"
#include "lib/ticket/service.hpp"
#include "lib/util/text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

namespace opsctl::ticket {

namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// Who asked for the change: whoever created the ticket, and its reporter when a person.
std::vector<std::string> requesters(Context& ctx, const store::TicketRow& row) {
    std::vector<std::string> out;
    for (const auto& e : store::events_for(ctx.db, "ticket", std::to_string(row.id))) {
        if (e.action == "created" || e.action == "imported") {
            out.push_back(e.actor);
            break;
        }
    }
    if (row.reporter && ctx.policy.person(*row.reporter) && !contains(out, *row.reporter)) {
        out.push_back(*row.reporter);
    }
    return out;
}

// Active people the rule names or whose roles it names, in id order.
std::vector<std::string> eligible(const Context& ctx, const policy::Approval& rule) {
    std::vector<std::string> out;
    for (const auto& [id, person] : ctx.policy.people) {
        if (!person.active) {
            continue;
        }
        const bool by_role =
            std::any_of(person.roles.begin(), person.roles.end(),
                        [&](const std::string& r) { return contains(rule.roles, r); });
        if (by_role || contains(rule.people, id)) {
            out.push_back(id);
        }
    }
    return out;
}

ApprovalStatus status_for(Context& ctx, const store::TicketRow& row, const std::string& state,
                          const policy::Approval& rule, bool emergency,
                          const std::vector<store::ApprovalRow>& decisions) {
    ApprovalStatus st;
    st.state = state;
    st.emergency = emergency;
    st.excluded = requesters(ctx, row);
    std::set<std::string> decided;
    for (const auto& d : decisions) {
        if (!d.open || d.state != state) {
            continue;
        }
        if (d.decision == "emergency") {
            if (emergency && !contains(st.excluded, d.person)) {
                st.excluded.push_back(
                    d.person); // who moved in an emergency does not approve it afterwards
            }
            continue;
        }
        if (d.retrospective != emergency) {
            continue;
        }
        decided.insert(d.person);
        if (d.decision == "approved") {
            st.approved_by.push_back(d.person);
        } else {
            st.rejections.push_back(d);
        }
    }
    // Separation of duties: the requester never counts, even when named or holding the role.
    const auto people = eligible(ctx, rule);
    int eligible_count = 0;
    for (const auto& id : people) {
        if (contains(st.excluded, id)) {
            continue;
        }
        ++eligible_count;
        if (!decided.count(id)) {
            st.may_approve.push_back(id);
        }
    }
    st.approved_by.erase(
        std::remove_if(st.approved_by.begin(), st.approved_by.end(),
                       [&](const std::string& p) { return contains(st.excluded, p); }),
        st.approved_by.end());
    st.needed = rule.quorum == 0 ? std::max(eligible_count, 1) : rule.quorum;
    return st;
}

const policy::Workflow* workflow_of(const Context& ctx, const store::TicketRow& row) {
    return ctx.policy.tickets.workflow_of(row.type);
}

std::string describe_missing(const ApprovalStatus& st) {
    if (!st.rejections.empty()) {
        const auto& r = st.rejections.front();
        return fmt::format("rejected by {}{}", r.person, r.reason.empty() ? "" : ": " + r.reason);
    }
    return fmt::format("{} of {} approval{}{}", st.approved_by.size(), st.needed,
                       st.needed == 1 ? "" : "s",
                       st.approved_by.empty() ? "" : " (" + util::join(st.approved_by, ", ") + ")");
}

std::string who_may(const ApprovalStatus& st) {
    return st.may_approve.empty()
               ? std::string("nobody else may approve: check the approval rule in the policy")
               : "may still approve: " + util::join(st.may_approve, ", ");
}

// The request to enter the first guarded state (or `state`) reachable from the ticket's
// current one, open emergencies aside.
std::optional<ApprovalStatus> next_request(Context& ctx, const store::TicketRow& row,
                                           const std::string& state,
                                           const std::vector<store::ApprovalRow>& decisions) {
    const auto* wf = workflow_of(ctx, row);
    if (!wf || !row.is_open) {
        return std::nullopt;
    }
    const auto* current = wf->state(row.status);
    if (!current) {
        return std::nullopt;
    }
    for (const auto& next : current->next) {
        const auto* s = wf->state(next);
        if (s && s->approval && (state.empty() || state == next)) {
            return status_for(ctx, row, next, *s->approval, false, decisions);
        }
    }
    return std::nullopt;
}

// What a hook is told about a request: which state, how many must approve, who has and who
// still may.
nlohmann::json request_data(const ApprovalStatus& st) {
    return {{"state", st.state},
            {"needed", st.needed},
            {"approved_by", st.approved_by},
            {"may_approve", st.may_approve}};
}

} // namespace

std::optional<ApprovalStatus> pending_approval(Context& ctx, const store::TicketRow& row,
                                               const std::string& state) {
    const auto* wf = workflow_of(ctx, row);
    if (!wf) {
        return std::nullopt;
    }
    const auto decisions = store::approvals_of(ctx.db, row.id);
    // An emergency move still awaiting its approval comes first.
    for (const auto& d : decisions) {
        if (d.open && d.decision == "emergency" && (state.empty() || state == d.state)) {
            if (const auto* s = wf->state(d.state); s && s->approval) {
                return status_for(ctx, row, d.state, *s->approval, true, decisions);
            }
        }
    }
    return next_request(ctx, row, state, decisions);
}

void guard_entry(Context& ctx, const store::TicketRow& row, const std::string& state,
                 const std::optional<std::string>& emergency, nlohmann::json& fields) {
    const auto* wf = workflow_of(ctx, row);
    const auto* s = wf ? wf->state(state) : nullptr;
    if (s && s->approval) {
        const auto st =
            status_for(ctx, row, state, *s->approval, false, store::approvals_of(ctx.db, row.id));
        if (st.met()) {
            fields["approved_by"] = st.approved_by;
        } else if (!emergency) {
            throw NotPermitted(
                fmt::format("ticket {} may not enter '{}' yet: {}", row.id, state,
                            describe_missing(st)),
                fmt::format("{}; 'opsctl ticket approve {}', or 'ticket move --emergency REASON'",
                            who_may(st), row.id));
        } else {
            access::require(ctx.policy, ctx.who, "ticket.emergency");
            if (util::trim(*emergency).empty()) {
                throw UsageError("an emergency move needs a reason",
                                 "--emergency '核心交换机故障，需立即更换'");
            }
            fields["emergency"] = *emergency;
        }
    }
    // Any move ends the request that was pending in the state the ticket leaves.
    store::close_approvals(ctx.db, row.id, false);
    if (s && s->approval && emergency && !fields.contains("approved_by")) {
        store::insert_approval(ctx.db, store::ApprovalRow{0, row.id, state, ctx.actor, "emergency",
                                                          *emergency, ctx.now, false, true});
    }
}

std::vector<std::pair<std::string, nlohmann::json>>
approval_notices(Context& ctx, const store::TicketRow& row, const std::optional<std::string>& emergency) {
    std::vector<std::pair<std::string, nlohmann::json>> out;
    if (ctx.policy.notify.count() == 0) {
        return out; // the requesters and decisions are read only for a hook or a channel
    }
    const auto decisions = store::approvals_of(ctx.db, row.id);
    if (emergency) {
        // The emergency the move just recorded: its state is the one the ticket entered.
        const auto* wf = workflow_of(ctx, row);
        const auto* s = wf ? wf->state(row.status) : nullptr;
        if (s && s->approval) {
            auto data = request_data(status_for(ctx, row, row.status, *s->approval, true, decisions));
            data["by"] = ctx.actor;
            data["reason"] = *emergency;
            out.emplace_back("approval.emergency", std::move(data));
        }
    }
    if (const auto st = next_request(ctx, row, {}, decisions)) {
        out.emplace_back("approval.requested", request_data(*st));
    }
    return out;
}

void decide(Context& ctx, const std::vector<std::int64_t>& ids, bool reject,
            const std::string& reason, const std::string& state) {
    if (ids.empty()) {
        throw UsageError("no ticket ids", "name one or more ids, or - to read them from stdin");
    }
    if (reject && util::trim(reason).empty()) {
        throw UsageError("a rejection needs a reason", "pass --reason TEXT");
    }
    std::vector<std::pair<store::TicketRow, nlohmann::json>> notices;
    store::write_transaction(ctx.db, [&] {
        notices.clear();
        for (const auto id : ids) {
            auto row = store::find_ticket(ctx.db, id);
            if (!row) {
                throw NotFound(fmt::format("no ticket {}", id));
            }
            const auto st = pending_approval(ctx, *row, state);
            if (!st) {
                throw DataError(
                    state.empty()
                        ? fmt::format("ticket {} awaits no approval (from '{}' no state needs one)", id,
                                      row->status)
                        : fmt::format("ticket {} awaits no approval to enter '{}'", id, state));
            }
            if (contains(st->excluded, ctx.actor)) {
                throw NotPermitted(
                    fmt::format("'{}' asked for ticket {} (or moved it in an emergency) and may not "
                                "decide on it",
                                ctx.actor, id),
                    who_may(*st));
            }
            if (!contains(st->may_approve, ctx.actor)) {
                const bool decided =
                    contains(st->approved_by, ctx.actor) ||
                    std::any_of(st->rejections.begin(), st->rejections.end(),
                                [&](const store::ApprovalRow& r) { return r.person == ctx.actor; });
                if (decided) {
                    throw DataError(
                        fmt::format("'{}' has already decided on ticket {}", ctx.actor, id));
                }
                throw NotPermitted(fmt::format("'{}' is not an approver of ticket {} entering '{}'",
                                               ctx.actor, id, st->state),
                                   who_may(*st));
            }
            store::insert_approval(ctx.db, store::ApprovalRow{0, id, st->state, ctx.actor,
                                                              reject ? "rejected" : "approved", reason,
                                                              ctx.now, st->emergency, true});
            nlohmann::json fields = {{"state", st->state}};
            if (!reason.empty()) {
                fields["reason"] = reason;
            }
            if (st->emergency) {
                fields["retrospective"] = true;
            }
            audit::record(ctx, "ticket", std::to_string(id), reject ? "rejected" : "approved", std::move(fields));
            // A retrospective request is settled once its quorum approved.
            if (st->emergency && !reject) {
                if (const auto after = pending_approval(ctx, *row, st->state);
                    after && after->emergency && after->met()) {
                    store::close_approvals(ctx.db, id, true);
                }
            }
            row->updated_at = ctx.now;
            store::save_ticket(ctx.db, *row);
            auto data = request_data(*st);
            data["by"] = ctx.actor;
            data["reason"] = reason;
            data["retrospective"] = st->emergency;
            if (!reject) {
                data["approved_by"].push_back(ctx.actor);
                data["met"] = st->rejections.empty() &&
                              static_cast<int>(st->approved_by.size()) + 1 >= st->needed;
            }
            auto& may = data["may_approve"];
            may.erase(std::remove(may.begin(), may.end(), nlohmann::json(ctx.actor)), may.end());
            notices.emplace_back(*row, std::move(data));
        }
        for (const auto& [row, data] : notices) {
            stage(ctx, reject ? "approval.rejected" : "approval.granted", row, data);
        }
    });
    for (const auto& [row, data] : notices) {
        announce(ctx, reject ? "approval.rejected" : "approval.granted", row, data);
    }
}

std::vector<store::ApprovalRow> approvals_of(Context& ctx, std::int64_t id) {
    return store::approvals_of(ctx.db, id);
}

std::vector<store::TicketRow> awaiting_approval(Context& ctx, const std::string& by_option) {
    const std::string by = by_option == "me" ? ctx.actor : by_option;
    if (!by.empty() && !ctx.policy.person(by)) {
        throw DataError(fmt::format("--by '{}' is no person of the policy", by));
    }
    // Candidates: open tickets in a state that leads to a guarded one, and open emergencies.
    store::TicketQuery q;
    q.open = true;
    q.listing = true;
    for (const auto& [name, wf] : ctx.policy.tickets.workflows) {
        for (const auto& s : wf.states) {
            for (const auto& next : s.next) {
                const auto* n = wf.state(next);
                if (n && n->approval && !contains(q.statuses, s.name)) {
                    q.statuses.push_back(s.name);
                }
            }
        }
    }
    std::vector<store::TicketRow> candidates;
    if (!q.statuses.empty()) {
        candidates = store::query_tickets(ctx.db, q);
    }
    std::set<std::int64_t> seen;
    for (const auto& r : candidates) {
        seen.insert(r.id);
    }
    for (const auto id : store::tickets_with_open_emergency(ctx.db)) {
        if (!seen.count(id)) {
            if (auto row = store::find_ticket(ctx.db, id)) {
                candidates.push_back(*row);
            }
        }
    }
    std::vector<store::TicketRow> out;
    for (auto& r : candidates) {
        const auto st = pending_approval(ctx, r);
        if (!st || (st->emergency ? st->met() : false)) {
            continue;
        }
        if (!by.empty() && !contains(st->may_approve, by)) {
            continue;
        }
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace opsctl::ticket
