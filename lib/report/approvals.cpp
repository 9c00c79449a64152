// The approvals part of the review (issue 21): decisions on guarded workflow transitions
// made in the month, by whom, and the emergency moves still awaiting their retrospective
// approval at the month's end, which are action items.
#include "lib/core/time.hpp"
#include "lib/report/sections.hpp"
#include "lib/report/text.hpp"
#include "lib/store/report_approvals.hpp"

#include <fmt/format.h>

namespace opsctl::report {

using output::Cell;
using output::Table;

namespace {

// The ticket types whose workflow has a state that needs approval, sorted.
std::vector<std::string> guarded_types(const Context& ctx) {
    std::vector<std::string> out;
    for (const auto& [name, type] : ctx.policy.tickets.types) {
        const auto* wf = ctx.policy.tickets.workflow_of(name);
        if (!wf) {
            continue;
        }
        for (const auto& s : wf->states) {
            if (s.approval) {
                out.push_back(name);
                break;
            }
        }
    }
    return out;
}

struct ApprovalMonth {
    std::int64_t requested = 0, approved = 0, rejected = 0, retrospective = 0, emergency = 0, awaiting = 0;
    std::vector<store::ApprovalCounts> people;
};

ApprovalMonth approval_month(Context& ctx, const store::ReportPeriod& p, std::int64_t until,
                             const std::vector<std::string>& types) {
    ApprovalMonth m;
    const store::ReportPeriod span{p.start, until};
    m.requested = store::tickets_opened_of_types(ctx.db, span, types);
    m.people = store::approval_counts(ctx.db, span);
    for (const auto& c : m.people) {
        m.approved += c.approved;
        m.rejected += c.rejected;
        m.retrospective += c.retrospective;
        m.emergency += c.emergency;
    }
    const auto awaiting = store::emergencies_awaiting(ctx.db, until, 1);
    m.awaiting = awaiting.empty() ? 0 : awaiting.front().total;
    return m;
}

// The decision as a stable code: approved, rejected or emergency, with "_retrospective" for
// a decision on an emergency move.
std::string decision_code(const store::ApprovalDecisionRow& r) {
    return r.retrospective && r.decision != "emergency" ? r.decision + "_retrospective" : r.decision;
}

std::string person_name(const Context& ctx, const std::string& id) {
    const auto* p = ctx.policy.person(id);
    return p ? p->name : "";
}

} // namespace

std::optional<Section> approval_section(Context& ctx, const SectionInput& in, ActionList& actions) {
    const auto types = guarded_types(ctx);
    // Under approval rules once there are tickets at all, as the ticket section; else from the
    // first decision recorded (under an older policy, say).
    if ((types.empty() || !store::report_has_tickets(ctx.db)) && !store::report_has_approvals(ctx.db, in.until)) {
        return std::nullopt;
    }
    const Language lang = in.lang;
    const auto cur = approval_month(ctx, in.current, in.until, types);
    const auto prev = approval_month(ctx, in.previous, end_or_now(ctx, in.previous), types);

    Section s;
    s.key = "approvals";
    s.title = tr(lang, "approvals.title");
    auto add = [&](std::string key, std::int64_t v, std::int64_t p) {
        s.figures.push_back({key, tr(lang, "fig." + key), Unit::count, count_value(v), count_value(p)});
    };
    add("approval_requested", cur.requested, prev.requested);
    add("approvals_given", cur.approved, prev.approved);
    add("approvals_rejected", cur.rejected, prev.rejected);
    add("approvals_retrospective", cur.retrospective, prev.retrospective);
    add("emergency_moves", cur.emergency, prev.emergency);
    add("emergency_awaiting", cur.awaiting, prev.awaiting);
    s.sentences.push_back(fill(tr(lang, "sentence.approvals"),
                               {{"requested", std::to_string(cur.requested)},
                                {"w_requested", plural(lang, "noun.ticket_was", cur.requested)},
                                {"approved", std::to_string(cur.approved)},
                                {"rejected", std::to_string(cur.rejected)},
                                {"retro", std::to_string(cur.retrospective)},
                                {"emergency", std::to_string(cur.emergency)},
                                {"w_emergency", plural(lang, "noun.ticket_was", cur.emergency)},
                                {"awaiting", std::to_string(cur.awaiting)},
                                {"w_awaiting", plural(lang, "noun.emergency_was", cur.awaiting)}}));

    // Who decided what.
    ReviewTable by_person{"approvals_by_person", tr(lang, "tbl.approvals_by_person"), {}};
    by_person.table.add_column("person", tr(lang, "col.person"))
        .add_column("name", tr(lang, "col.person_name"))
        .add_column("approved", tr(lang, "col.approved"))
        .add_column("rejected", tr(lang, "col.rejected"))
        .add_column("approved_retrospective", tr(lang, "col.approved_retrospective"))
        .add_column("emergency", tr(lang, "col.emergency_moves"));
    for (const auto& c : cur.people) {
        by_person.table.add_row({c.person, person_name(ctx, c.person), Cell::integer(c.approved),
                                 Cell::integer(c.rejected), Cell::integer(c.retrospective),
                                 Cell::integer(c.emergency)});
    }
    by_person.md_rows = in.list_rows;
    s.tables.push_back(std::move(by_person));

    // Emergency moves still awaiting their retrospective approval at the month's end.
    const auto awaiting = store::emergencies_awaiting(ctx.db, in.until, -1);
    ReviewTable open{"emergencies_awaiting", tr(lang, "tbl.emergencies_awaiting"), {}};
    open.table.add_column("id", tr(lang, "col.id"))
        .add_column("type", tr(lang, "col.type"))
        .add_column("priority", tr(lang, "col.priority"))
        .add_column("title", tr(lang, "col.title"))
        .add_column("state", tr(lang, "col.approval_state"))
        .add_column("moved_by", tr(lang, "col.moved_by"))
        .add_column("reason", tr(lang, "col.reason"))
        .add_column("at", tr(lang, "col.moved_at"));
    const std::string kind = tr(lang, "action.emergency_unapproved");
    for (const auto& r : awaiting) {
        if (in.full_lists || open.table.rows.size() < in.list_rows) {
            open.table.add_row({Cell::integer(r.ticket_id), r.type, r.priority, r.title, r.state, r.person, r.reason,
                                core::format_time_short(r.at, ctx.zone())});
        }
        // Whoever moved it answers for getting it approved.
        actions.items.push_back({"emergency_unapproved", kind, fmt::format("#{} {}", r.ticket_id, r.title), r.person,
                                 fmt::format("{} → {}: {}", r.priority, r.state, r.reason), r.at, 2});
        actions.count("emergency_unapproved", kind, r.person, 1);
    }
    open.md_rows = in.list_rows;
    open.total = static_cast<std::int64_t>(awaiting.size());
    s.tables.push_back(std::move(open));

    // Every decision of the month (the appendix).
    const auto decisions = store::approval_decisions(ctx.db, {in.current.start, in.until}, rows_to_read(in, in.list_rows));
    ReviewTable list{"approval_decisions", tr(lang, "tbl.approval_decisions"), {}};
    list.table.add_column("at", tr(lang, "col.at"))
        .add_column("id", tr(lang, "col.id"))
        .add_column("type", tr(lang, "col.type"))
        .add_column("title", tr(lang, "col.title"))
        .add_column("state", tr(lang, "col.approval_state"))
        .add_column("decision", tr(lang, "col.decision"))
        .add_column("decision_label", tr(lang, "col.decision_label"))
        .add_column("person", tr(lang, "col.person"))
        .add_column("reason", tr(lang, "col.reason"));
    for (const auto& r : decisions) {
        const auto code = decision_code(r);
        list.table.add_row({core::format_time_short(r.at, ctx.zone()), Cell::integer(r.ticket_id), r.type, r.title,
                            r.state, code, tr(lang, "decision." + code), r.person, r.reason});
    }
    list.md_rows = in.list_rows;
    list.total = decisions.empty() ? 0 : decisions.front().total;
    s.tables.push_back(std::move(list));
    return s;
}

} // namespace opsctl::report
