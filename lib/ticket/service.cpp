#include "lib/ticket/service.hpp"

#include "lib/asset/service.hpp"
#include "lib/ticket/approval.hpp"
#include "lib/ticket/known_error.hpp"
#include "lib/context/audit.hpp"
#include "lib/core/error.hpp"
#include "lib/notify/notify.hpp"
#include "lib/notify/outbox.hpp"
#include "lib/policy/lookup.hpp"
#include "lib/roster/duty.hpp"
#include "lib/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <cmath>

namespace opsctl::ticket {

namespace {

const std::vector<std::string> k_link_kinds = {"caused-by", "child-of", "duplicate-of", "related"};
// "child-of": the ticket is a part of the other one (an incident of a problem, a task of a
// change); a ticket has one parent at most, and no ticket is its own ancestor.
constexpr const char* k_child_of = "child-of";

const policy::Workflow& workflow_for(const Context& ctx, const std::string& type) {
    const auto* wf = ctx.policy.tickets.workflow_of(type);
    if (!wf) {
        throw ConfigError(fmt::format("ticket type '{}' has no workflow in the policy", type),
                          "add it under tickets.types, or run 'opsctl policy check'");
    }
    return *wf;
}

void check_type(const Context& ctx, const std::string& type) {
    if (!ctx.policy.tickets.type(type)) {
        throw DataError(fmt::format("no ticket type '{}'", type),
                        util::suggest(type, ctx.policy.tickets.type_names()));
    }
}

void check_priority(const Context& ctx, const std::string& priority) {
    if (!ctx.policy.tickets.priority(priority)) {
        throw DataError(fmt::format("no priority '{}'", priority),
                        util::suggest(priority, ctx.policy.tickets.priority_names()));
    }
}

void check_person(const Context& ctx, const std::string& id) {
    const auto* person = ctx.policy.person(id);
    if (!person) {
        std::vector<std::string> known;
        for (const auto& [pid, p] : ctx.policy.people) {
            known.push_back(pid);
        }
        throw DataError(fmt::format("no person '{}'", id), util::suggest(id, known));
    }
    if (!person->active) {
        throw DataError(fmt::format("person '{}' is not active", id), "assign to someone who is still in the team");
    }
}

void check_complaint_type(const Context& ctx, const std::string& value) {
    const auto& known = ctx.policy.tickets.complaint_types;
    if (!known.empty() && std::find(known.begin(), known.end(), value) == known.end()) {
        throw DataError(fmt::format("no complaint type '{}'", value), "known: " + util::join(known, ", "));
    }
}

// A ticket names a registered asset: a mistyped tag would hide the ticket from the asset's
// history and the review's top assets.
void check_asset(Context& ctx, const std::string& tag) {
    if (asset::find_asset(ctx, tag)) {
        return;
    }
    const std::string near = util::closest(tag, asset::asset_tags(ctx));
    throw DataError(fmt::format("no asset '{}'", tag),
                    near.empty() ? "see 'opsctl asset list'" : fmt::format("did you mean '{}'?", near));
}

store::TicketRow load(Context& ctx, std::int64_t id) {
    auto row = store::find_ticket(ctx.db, id);
    if (!row) {
        throw NotFound(fmt::format("no ticket {}", id));
    }
    return *row;
}

nlohmann::json opt_json(const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

// Recomputes both SLA clocks from the events (already including this change) and stores
// their outcome in the denormalised columns.
std::pair<SlaClock, SlaClock> refresh_sla(Context& ctx, store::TicketRow& row, bool explain = false) {
    const auto events = store::events_for(ctx.db, "ticket", std::to_string(row.id));
    const auto cal = ctx.policy.business_calendar();
    return compute_sla(ctx, cal, row, events, explain);
}

// Applies a status change to the row's own columns.
void enter_state(const Context& ctx, store::TicketRow& row, const std::string& state) {
    const auto& wf = workflow_for(ctx, row.type);
    const auto* s = wf.state(state);
    row.status = state;
    row.is_open = !(s && s->final);
    if (s && (s->final || s->resolved)) {
        if (!row.resolved_at || (s->resolved && !s->final)) {
            row.resolved_at = ctx.now;
        }
    } else {
        row.resolved_at.reset();
    }
    if (s && s->final) {
        row.closed_at = ctx.now;
    } else {
        row.closed_at.reset();
    }
}

std::string least_loaded(Context& ctx, const std::string& team) {
    std::vector<std::string> members;
    for (const auto& id : ctx.policy.team_members(team)) {
        if (ctx.policy.person(id)->active) {
            members.push_back(id);
        }
    }
    if (members.empty()) {
        throw DataError(fmt::format("nobody is in team '{}' to assign to", team),
                        "add people with that team, or assign someone by name");
    }
    const auto load = store::open_load_by_assignee(ctx.db);
    std::string best;
    std::int64_t best_load = INT64_MAX;
    for (const auto& id : members) {
        auto it = load.find(id);
        const std::int64_t n = it == load.end() ? 0 : it->second;
        if (n < best_load) {
            best = id;
            best_load = n;
        }
    }
    return best;
}

// Whoever is on duty for the team, else the member with the fewest open tickets.
std::string auto_assignee(Context& ctx, const std::string& team) {
    if (team.empty()) {
        throw DataError("the ticket has no team to pick an assignee from", "assign someone by name");
    }
    // Without the roster section nobody would be on duty and every path would quietly pick the
    // least-loaded member: `ticket new --auto` once did while `ticket assign --auto` did not.
    if ((ctx.policy.loaded & policy::section::k_roster) == 0) {
        throw Failure("automatic assignment needs the roster section of the policy",
                      "load ticket::k_assign_sections");
    }
    if (auto on_duty = roster::on_duty_for_team(ctx, team, ctx.now)) {
        if (const auto* p = ctx.policy.person(*on_duty); p && p->active) {
            return *on_duty;
        }
    }
    return least_loaded(ctx, team);
}

TicketSummary summarize(const store::TicketRow& r) {
    return TicketSummary{r.id,         r.type,       r.priority,          r.status,
                         r.title,      r.assignee.value_or(""), r.asset.value_or(""), r.created_at,
                         r.response_breached, r.resolution_breached, r.response_due_at, r.resolution_due_at};
}

// The shared tail of every change: event, clocks, save (the caller commits).
void finish_change(Context& ctx, store::TicketRow& row, const std::string& action, nlohmann::json fields) {
    row.updated_at = ctx.now;
    audit::record(ctx, "ticket", std::to_string(row.id), action, std::move(fields));
    refresh_sla(ctx, row);
    store::save_ticket(ctx.db, row);
}

// A notification to send once the transaction that caused it has committed.
struct Notice {
    std::string kind;
    store::TicketRow row;
    nlohmann::json extra;
};

// Runs `apply(id, notices)` for each id in one write transaction: all or nothing. The
// notifications go out after the commit, so a failed batch announces nothing. A transaction
// that conflicts with another runs again from its start (store::write_transaction):
// `restart`, when given, first empties what `apply` collects outside the database.
template <typename Apply>
void for_each_ticket(Context& ctx, const std::vector<std::int64_t>& ids, Apply apply,
                     const std::function<void()>& restart = {}) {
    if (ids.empty()) {
        throw UsageError("no ticket ids", "name one or more ids, or - to read them from stdin");
    }
    const std::vector<Notice> notices = store::write_transaction(ctx.db, [&] {
        if (restart) {
            restart();
        }
        std::vector<Notice> staged;
        for (const auto id : ids) {
            apply(id, staged);
        }
        for (auto& n : staged) {
            stage(ctx, n.kind, n.row, n.extra);
        }
        return staged;
    });
    for (auto& n : notices) {
        announce(ctx, n.kind, n.row, n.extra);
    }
}

// Moves the ticket and adds the approval notices the move calls for (a request it now
// awaits, an emergency pass) to `notices`, after the caller's own.
void do_move(Context& ctx, store::TicketRow& row, const std::string& state, const std::string& action,
             nlohmann::json fields, const std::string& note, std::vector<Notice>& notices,
             const std::optional<std::string>& emergency = std::nullopt) {
    const std::string from = row.status;
    guard_entry(ctx, row, state, emergency, fields);
    enter_state(ctx, row, state);
    fields["status"] = {from, state};
    if (!note.empty()) {
        fields["note"] = note;
        store::insert_comment(ctx.db, store::CommentRow{0, row.id, ctx.now, ctx.actor, note, true, 0});
    }
    const bool passed_by_emergency = fields.contains("emergency");
    row.updated_at = ctx.now;
    audit::record(ctx, "ticket", std::to_string(row.id), action, std::move(fields));
    refresh_sla(ctx, row);
    store::save_ticket(ctx.db, row);
    for (auto& [kind, extra] : approval_notices(ctx, row, passed_by_emergency ? emergency : std::nullopt)) {
        notices.push_back({std::move(kind), row, std::move(extra)});
    }
}

void require_allowed(const policy::Workflow& wf, const store::TicketRow& row, const std::string& state) {
    if (!wf.state(state)) {
        throw DataError(fmt::format("no state '{}' in workflow '{}'", state, wf.name),
                        util::suggest(state, wf.state_names()));
    }
    if (!wf.allows(row.status, state)) {
        const auto* s = wf.state(row.status);
        const std::string allowed = s && !s->next.empty() ? util::join(s->next, ", ") : "none";
        throw DataError(fmt::format("ticket {} cannot move from '{}' to '{}'", row.id, row.status, state),
                        "allowed: " + allowed);
    }
}

// The first state of `wf` that `pick` accepts and the workflow allows from the current one.

std::optional<std::int64_t> parent_of(Context& ctx, std::int64_t id) {
    for (const auto& l : store::links_of(ctx.db, id)) {
        if (l.ticket_id == id && l.kind == k_child_of) {
            return l.target_id;
        }
    }
    return std::nullopt;
}

// The children of `id` that are still open (not in a final state), in id order.
std::vector<store::TicketRow> open_children(Context& ctx, std::int64_t id) {
    std::vector<store::TicketRow> out;
    for (const auto& l : store::links_of(ctx.db, id)) {
        if (l.target_id == id && l.kind == k_child_of) {
            auto child = load(ctx, l.ticket_id);
            if (child.is_open) {
                out.push_back(std::move(child));
            }
        }
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return out;
}

// A parent goes into a final state only after its children, unless forced: the children
// being closed by the same command (`batch`) count as closed.
void require_children_closed(Context& ctx, const store::TicketRow& row, const std::vector<std::int64_t>& batch,
                             bool force) {
    if (force) {
        return;
    }
    std::vector<std::string> open;
    for (const auto& c : open_children(ctx, row.id)) {
        if (std::find(batch.begin(), batch.end(), c.id) == batch.end()) {
            open.push_back(std::to_string(c.id));
        }
    }
    if (!open.empty()) {
        throw DataError(fmt::format("ticket {} has open {} {}", row.id, open.size() == 1 ? "child" : "children",
                                    util::join(open, ", ")),
                        fmt::format("close {} first, or pass --force", open.size() == 1 ? "it" : "them"));
    }
}

std::string first_allowed(const policy::Workflow& wf, const store::TicketRow& row,
                          bool (*pick)(const policy::WorkflowState&), const char* what) {
    const auto* s = wf.state(row.status);
    if (s) {
        for (const auto& next : s->next) {
            const auto* n = wf.state(next);
            if (n && pick(*n)) {
                return next;
            }
        }
    }
    const std::string allowed = s && !s->next.empty() ? util::join(s->next, ", ") : "none";
    throw DataError(fmt::format("ticket {} cannot be {} from '{}'", row.id, what, row.status), "allowed: " + allowed);
}

} // namespace

std::pair<SlaClock, SlaClock> compute_sla(const Context& ctx, const core::BusinessCalendar& cal,
                                          store::TicketRow& row, const std::vector<store::Event>& events,
                                          bool explain) {
    const auto& wf = workflow_for(ctx, row.type);
    const Timeline timeline = timeline_from_events(events, wf);
    const auto* rule = ctx.policy.sla.match(row.type, row.priority);
    ClockSetup setup{wf, rule, cal, ctx.now, explain};
    if (timeline.keys.size() > 1) {
        for (const auto& key : timeline.keys) {
            setup.rules.emplace_back(key.since, ctx.policy.sla.match(key.type, key.priority));
        }
    }
    SlaClock response = response_clock(timeline, setup);
    SlaClock resolution = resolution_clock(timeline, setup);
    row.responded_at = response.stopped_at;
    row.sla_rule = rule ? std::optional<std::string>(rule->name) : std::nullopt;
    row.sla_clock = rule ? std::optional<std::string>(policy::to_string(rule->clock)) : std::nullopt;
    row.response_target_secs = response.target;
    row.resolution_target_secs = resolution.target;
    row.response_due_at = response.due_at;
    row.resolution_due_at = resolution.due_at;
    row.response_business_secs = response.business_elapsed;
    row.resolution_business_secs = resolution.business_elapsed;
    row.response_clock_secs = response.elapsed;
    row.resolution_clock_secs = resolution.elapsed;
    row.response_breached = response.breached;
    row.resolution_breached = resolution.breached;
    row.paused_secs = resolution.paused;
    row.sla_order = store::k_no_due;
    for (const auto* c : {&response, &resolution}) {
        if (c->target && !c->stopped && !c->paused_now && c->due_at) {
            row.sla_order = std::min(row.sla_order, *c->due_at);
        }
    }
    return {std::move(response), std::move(resolution)};
}

int priority_rank(const Context& ctx, const std::string& priority) {
    const auto& ps = ctx.policy.tickets.priorities;
    for (std::size_t i = 0; i < ps.size(); ++i) {
        if (ps[i].name == priority) {
            return static_cast<int>(i);
        }
    }
    return static_cast<int>(ps.size());
}

namespace {

nlohmann::json notice_data(const store::TicketRow& row, const nlohmann::json& extra) {
    nlohmann::json data = {{"id", row.id},         {"type", row.type},         {"priority", row.priority},
                           {"status", row.status}, {"title", row.title},       {"assignee", opt_json(row.assignee)},
                           {"team", opt_json(row.team)}, {"asset", opt_json(row.asset)}};
    if (row.sla_order != store::k_no_due) {
        data["due"] = row.sla_order;
    }
    if (extra.is_object()) {
        data.update(extra);
    }
    return data;
}

} // namespace

void stage(Context& ctx, const std::string& kind, const store::TicketRow& row, const nlohmann::json& extra) {
    if (ctx.policy.notify.channels.empty()) {
        return;
    }
    notify::queue(ctx, kind, notice_data(row, extra));
}

void announce(Context& ctx, const std::string& kind, const store::TicketRow& row, const nlohmann::json& extra) {
    if (ctx.policy.notify.count() == 0) {
        return;
    }
    notify::after_commit(ctx, kind, notice_data(row, extra));
}

store::TicketRow create_ticket(Context& ctx, const NewTicket& t) {
    // Everything from the checks on runs again when the transaction conflicts (PostgreSQL).
    auto created = store::write_transaction(ctx.db, [&] { return create_ticket_in(ctx, t); });
    for (const auto& [kind, extra] : created.notices) {
        announce(ctx, kind, created.row, extra);
    }
    return std::move(created.row);
}

CreatedTicket create_ticket_in(Context& ctx, const NewTicket& t) {
    const auto& tp = ctx.policy.tickets;
    const std::string type = t.type.empty() ? tp.default_type : t.type;
    check_type(ctx, type);
    const auto* type_def = tp.type(type);
    const std::string priority = t.priority.empty() ? type_def->priority : t.priority;
    check_priority(ctx, priority);
    if (util::trim(t.title).empty()) {
        throw DataError("a ticket needs a title", "pass --title TEXT");
    }
    if (!t.assignee.empty()) {
        check_person(ctx, t.assignee);
    }
    if (!t.complaint_type.empty()) {
        check_complaint_type(ctx, t.complaint_type);
    }
    if (!t.asset.empty()) {
        check_asset(ctx, t.asset);
    }
    const auto& wf = workflow_for(ctx, type);

    if (!t.source.empty()) {
        if (auto existing = store::open_ticket_by_source(ctx.db, t.source)) {
            throw DataError(fmt::format("ticket {} is already open for source '{}'", *existing, t.source),
                            "add a comment to it instead");
        }
    }
    store::TicketRow row;
    row.type = type;
    row.priority = priority;
    row.status = wf.initial;
    row.is_open = true;
    row.title = t.title;
    row.body = t.body;
    if (!type_def->team.empty()) {
        row.team = type_def->team;
    }
    auto opt = [](const std::string& s) { return s.empty() ? std::nullopt : std::optional<std::string>(s); };
    row.asset = opt(t.asset);
    row.reporter = opt(t.reporter);
    row.source = opt(t.source);
    row.complaint_type = opt(t.complaint_type);
    row.created_at = ctx.now;
    row.updated_at = ctx.now;
    std::string assignee = t.assignee;
    if (assignee.empty() && t.auto_assign) {
        assignee = auto_assignee(ctx, row.team.value_or(""));
    }
    row.assignee = opt(assignee);
    row.id = store::insert_ticket(ctx.db, row);
    nlohmann::json fields = {{"type", row.type},   {"priority", row.priority}, {"status", row.status},
                             {"title", row.title}, {"team", opt_json(row.team)}};
    if (!row.body.empty()) {
        fields["body"] = row.body;
    }
    for (auto [key, value] : {std::pair{"asset", &row.asset}, std::pair{"reporter", &row.reporter},
                              std::pair{"source", &row.source}, std::pair{"assignee", &row.assignee},
                              std::pair{"complaint_type", &row.complaint_type}}) {
        if (*value) {
            fields[key] = **value;
        }
    }
    for (const auto& [key, value] : t.event_fields.items()) {
        fields[key] = value;
    }
    audit::record(ctx, "ticket", std::to_string(row.id), "created", std::move(fields));
    refresh_sla(ctx, row);
    store::save_ticket(ctx.db, row);
    std::vector<std::pair<std::string, nlohmann::json>> notices = {{"ticket.created", nlohmann::json::object()}};
    if (row.assignee) {
        notices.emplace_back("ticket.assigned", nlohmann::json::object());
    }
    for (auto& n : approval_notices(ctx, row, std::nullopt)) {
        notices.push_back(std::move(n));
    }
    for (const auto& [kind, extra] : notices) {
        stage(ctx, kind, row, extra);
    }
    return CreatedTicket{std::move(row), std::move(notices)};
}

void add_comment(Context& ctx, std::int64_t id, const std::string& text, bool internal) {
    comment_tickets(ctx, {id}, text, internal, 0);
}

void comment_tickets(Context& ctx, const std::vector<std::int64_t>& ids, const std::string& text, bool internal,
                     std::int64_t spent) {
    if (util::trim(text).empty() && spent == 0) {
        throw DataError("a comment needs text", "pass TEXT, or - to read it from stdin");
    }
    if (spent < 0) {
        throw DataError("time spent cannot be negative");
    }
    for_each_ticket(ctx, ids, [&](std::int64_t id, std::vector<Notice>&) {
        auto row = load(ctx, id);
        store::insert_comment(ctx.db, store::CommentRow{0, id, ctx.now, ctx.actor, text, internal, spent});
        row.spent_secs += spent;
        nlohmann::json fields = {{"internal", internal}, {"text", text}};
        if (spent > 0) {
            fields["spent_secs"] = spent;
        }
        finish_change(ctx, row, "commented", std::move(fields));
    });
}

std::optional<std::int64_t> find_open_by_source(Context& ctx, const std::string& source) {
    return store::open_ticket_by_source(ctx.db, source);
}

std::vector<TicketSummary> open_tickets(Context& ctx, const std::vector<std::string>& priorities) {
    store::TicketQuery q;
    q.open = true;
    q.priorities = priorities;
    std::vector<TicketSummary> out;
    for (const auto& r : store::query_tickets(ctx.db, q)) {
        out.push_back(summarize(r));
    }
    return out;
}

std::vector<TicketSummary> tickets_for_asset(Context& ctx, const std::string& tag, int limit) {
    std::vector<TicketSummary> out;
    for (const auto& r : store::asset_ticket_summaries(ctx.db, tag, limit)) {
        out.push_back(summarize(r));
    }
    return out;
}

std::vector<TicketSummary> at_risk_tickets(Context& ctx, double share) {
    std::vector<std::pair<double, TicketSummary>> found;
    for (const auto id : store::open_ticket_ids(ctx.db)) {
        auto row = load(ctx, id);
        const auto [response, resolution] = refresh_sla(ctx, row);
        double used = 0;
        bool breached = false;
        for (const auto* c : {&response, &resolution}) {
            if (c->target && !c->stopped) {
                used = std::max(used, c->used());
            }
            breached = breached || c->breached;
        }
        if (breached || used >= share) {
            found.emplace_back(breached ? 1e9 + used : used, summarize(row));
        }
    }
    std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<TicketSummary> out;
    for (auto& [used, s] : found) {
        out.push_back(std::move(s));
    }
    return out;
}

void update_tickets(Context& ctx, const std::vector<std::int64_t>& ids, const TicketChanges& c) {
    if (c.title && util::trim(*c.title).empty()) {
        throw DataError("a ticket needs a title");
    }
    if (c.priority) {
        check_priority(ctx, *c.priority);
    }
    if (c.type) {
        check_type(ctx, *c.type);
    }
    if (c.complaint_type && !c.complaint_type->empty()) {
        check_complaint_type(ctx, *c.complaint_type);
    }
    if (c.asset && !c.asset->empty()) {
        check_asset(ctx, *c.asset);
    }
    for_each_ticket(ctx, ids, [&](std::int64_t id, std::vector<Notice>&) {
        auto row = load(ctx, id);
        nlohmann::json fields = nlohmann::json::object();
        auto change_text = [&](const char* key, std::string& field, const std::optional<std::string>& value) {
            if (value && *value != field) {
                fields[key] = {field, *value};
                field = *value;
            }
        };
        auto change_opt = [&](const char* key, std::optional<std::string>& field,
                              const std::optional<std::string>& value) {
            if (!value) {
                return;
            }
            std::optional<std::string> v = value->empty() ? std::nullopt : value;
            if (v != field) {
                fields[key] = {opt_json(field), opt_json(v)};
                field = v;
            }
        };
        if (c.type && *c.type != row.type) {
            const auto& wf = workflow_for(ctx, *c.type);
            if (!wf.state(row.status)) {
                throw DataError(fmt::format("ticket {} is in state '{}', which workflow '{}' of type '{}' lacks", id,
                                            row.status, wf.name, *c.type),
                                "move it to a state both workflows share first");
            }
            // The team follows the type when it was the old type's default.
            const auto* old_type = ctx.policy.tickets.type(row.type);
            const auto* new_type = ctx.policy.tickets.type(*c.type);
            if (old_type && row.team.value_or("") == old_type->team && !new_type->team.empty()) {
                change_opt("team", row.team, new_type->team);
            }
        }
        change_text("title", row.title, c.title);
        change_text("body", row.body, c.body);
        change_text("priority", row.priority, c.priority);
        change_text("type", row.type, c.type);
        change_opt("asset", row.asset, c.asset);
        change_opt("reporter", row.reporter, c.reporter);
        change_opt("complaint_type", row.complaint_type, c.complaint_type);
        if (fields.empty()) {
            if (ids.size() > 1) {
                return; // this one already reads so
            }
            throw UsageError(fmt::format("nothing to change on ticket {}", id),
                             "pass --title, --body, --priority, --type, --asset, --reporter or --complaint-type");
        }
        finish_change(ctx, row, "updated", std::move(fields));
    });
}

std::vector<std::string> assign_tickets(Context& ctx, const std::vector<std::int64_t>& ids, const std::string& person,
                                        bool auto_assign) {
    if (!auto_assign) {
        check_person(ctx, person);
    }
    std::vector<std::string> out;
    for_each_ticket(ctx, ids, [&](std::int64_t id, std::vector<Notice>& notices) {
        auto row = load(ctx, id);
        const std::string who = auto_assign ? auto_assignee(ctx, row.team.value_or("")) : person;
        out.push_back(who);
        if (row.assignee && *row.assignee == who) {
            return;
        }
        nlohmann::json fields = {{"assignee", {opt_json(row.assignee), who}}};
        if (auto_assign) {
            fields["auto"] = true;
        }
        row.assignee = who;
        finish_change(ctx, row, "assigned", std::move(fields));
        notices.push_back({"ticket.assigned", row, {}});
    }, [&] { out.clear(); });
    return out;
}

void move_tickets(Context& ctx, const std::vector<std::int64_t>& ids, const std::string& state,
                  const std::string& note, const std::optional<std::string>& emergency, bool force) {
    for_each_ticket(ctx, ids, [&](std::int64_t id, std::vector<Notice>& notices) {
        auto row = load(ctx, id);
        const auto& wf = workflow_for(ctx, row.type);
        require_allowed(wf, row, state);
        if (const auto* target = wf.state(state); target && target->final) {
            require_children_closed(ctx, row, ids, force);
        }
        std::vector<Notice> approvals;
        do_move(ctx, row, state, "moved", nlohmann::json::object(), note, approvals, emergency);
        notices.push_back({"ticket.moved", row, {}});
        notices.insert(notices.end(), approvals.begin(), approvals.end());
    });
}

std::vector<std::int64_t> resolve_tickets(Context& ctx, const std::vector<std::int64_t>& ids,
                                          const std::string& resolution, bool children,
                                          std::optional<std::int64_t> known_error) {
    if (util::trim(resolution).empty()) {
        throw DataError("a resolution needs text", "pass --resolution TEXT");
    }
    std::vector<std::int64_t> unresolved;
    auto resolve = [&](store::TicketRow& row, std::vector<Notice>& notices, const nlohmann::json& parent) {
        const auto& wf = workflow_for(ctx, row.type);
        const std::string state = first_allowed(
            wf, row, [](const policy::WorkflowState& s) { return s.resolved || s.final; }, "resolved");
        nlohmann::json fields = {{"resolution", {opt_json(row.resolution), resolution}}};
        if (!parent.is_null()) {
            fields["with_parent"] = parent;
        }
        if (known_error) {
            const auto before = store::set_ticket_known_error(ctx.db, row.id, *known_error, ctx.now);
            fields["known_error"] = before && *before != *known_error
                                        ? nlohmann::json{known_error_name(*before), known_error_name(*known_error)}
                                        : nlohmann::json(known_error_name(*known_error));
        }
        row.resolution = resolution;
        std::vector<Notice> approvals;
        do_move(ctx, row, state, "resolved", std::move(fields), "", approvals);
        notices.push_back({"ticket.resolved", row, {}});
        notices.insert(notices.end(), approvals.begin(), approvals.end());
    };
    auto needs_resolving = [&](const store::TicketRow& row) {
        const auto* s = workflow_for(ctx, row.type).state(row.status);
        return !s || !(s->resolved || s->final);
    };
    bool known_error_checked = false;
    for_each_ticket(ctx, ids, [&](std::int64_t id, std::vector<Notice>& notices) {
        if (known_error && !known_error_checked) {
            require_published_known_error(ctx, *known_error);
            known_error_checked = true;
        }
        auto row = load(ctx, id);
        resolve(row, notices, nullptr);
        for (auto& child : open_children(ctx, id)) {
            if (!needs_resolving(child) || std::find(ids.begin(), ids.end(), child.id) != ids.end()) {
                continue;
            }
            if (children) {
                resolve(child, notices, id);
            } else {
                unresolved.push_back(child.id);
            }
        }
    }, [&] { unresolved.clear(); });
    return unresolved;
}

void close_tickets(Context& ctx, const std::vector<std::int64_t>& ids, std::optional<int> satisfaction, bool force) {
    if (satisfaction && (*satisfaction < 1 || *satisfaction > 5)) {
        throw UsageError(fmt::format("satisfaction {} is out of range", *satisfaction), "give 1 (poor) to 5 (excellent)");
    }
    for_each_ticket(ctx, ids, [&](std::int64_t id, std::vector<Notice>& notices) {
        auto row = load(ctx, id);
        const auto& wf = workflow_for(ctx, row.type);
        // Prefer a final state that is not a rejection: the first final state listed in the policy.
        const std::string state = first_allowed(
            wf, row, [](const policy::WorkflowState& s) { return s.final; }, "closed");
        require_children_closed(ctx, row, ids, force);
        nlohmann::json fields = nlohmann::json::object();
        if (satisfaction) {
            fields["satisfaction"] = {row.satisfaction ? nlohmann::json(*row.satisfaction) : nlohmann::json(),
                                      *satisfaction};
            row.satisfaction = *satisfaction;
        }
        std::vector<Notice> approvals;
        do_move(ctx, row, state, "closed", std::move(fields), "", approvals);
        notices.push_back({"ticket.closed", row, {}});
        notices.insert(notices.end(), approvals.begin(), approvals.end());
    });
}

void reopen_tickets(Context& ctx, const std::vector<std::int64_t>& ids, const std::string& note) {
    for_each_ticket(ctx, ids, [&](std::int64_t id, std::vector<Notice>& notices) {
        auto row = load(ctx, id);
        const auto& wf = workflow_for(ctx, row.type);
        const auto* s = wf.state(row.status);
        if (!s || !(s->final || s->resolved)) {
            throw DataError(fmt::format("ticket {} is not resolved or closed (it is '{}')", id, row.status),
                            "use 'ticket move' to change its state");
        }
        const std::string target = wf.reopen.empty() ? wf.initial : wf.reopen;
        if (row.source && !row.is_open) {
            if (auto other = store::open_ticket_by_source(ctx.db, *row.source)) {
                throw DataError(fmt::format("ticket {} is already open for source '{}'", *other, *row.source));
            }
        }
        std::vector<Notice> approvals;
        do_move(ctx, row, target, "reopened", nlohmann::json::object(), note, approvals);
        notices.push_back({"ticket.reopened", row, {}});
        notices.insert(notices.end(), approvals.begin(), approvals.end());
    });
}

void link_tickets(Context& ctx, std::int64_t id, std::int64_t to, const std::string& kind) {
    if (std::find(k_link_kinds.begin(), k_link_kinds.end(), kind) == k_link_kinds.end()) {
        throw UsageError(fmt::format("no link kind '{}'", kind), util::suggest(kind, k_link_kinds));
    }
    if (id == to) {
        throw DataError(fmt::format("ticket {} cannot be linked to itself", id));
    }
    store::write_transaction(ctx.db, [&] {
        auto row = load(ctx, id);
        load(ctx, to);
        if (kind == k_child_of) {
            if (const auto parent = parent_of(ctx, id); parent && *parent != to) {
                throw DataError(fmt::format("ticket {} already has parent {}", id, *parent),
                                fmt::format("a ticket has one parent: run 'opsctl ticket unlink {} --parent {}' first", id,
                                            *parent));
            }
            // No ticket may become its own ancestor: walk up from the new parent.
            std::vector<std::int64_t> seen = {to};
            for (auto up = parent_of(ctx, to); up; up = parent_of(ctx, *up)) {
                if (*up == id) {
                    throw DataError(fmt::format("ticket {} cannot be a child of {}: {} is already below {}", id, to, to, id));
                }
                if (std::find(seen.begin(), seen.end(), *up) != seen.end()) {
                    break;
                }
                seen.push_back(*up);
            }
        }
        if (!store::insert_link(ctx.db, store::LinkRow{id, kind, to, ctx.now})) {
            return;
        }
        audit::record(ctx, "ticket", std::to_string(to), "linked", {{"link", {{"from", id}, {"kind", kind}}}});
        finish_change(ctx, row, "linked", {{"link", {{"to", to}, {"kind", kind}}}});
    });
}

std::vector<std::string> unlink_tickets(Context& ctx, std::int64_t id, std::int64_t to, const std::string& kind) {
    if (!kind.empty() && std::find(k_link_kinds.begin(), k_link_kinds.end(), kind) == k_link_kinds.end()) {
        throw UsageError(fmt::format("no link kind '{}'", kind), util::suggest(kind, k_link_kinds));
    }
    return store::write_transaction(ctx.db, [&] {
        auto row = load(ctx, id);
        load(ctx, to);
        std::vector<std::string> removed;
        for (const auto& l : store::links_of(ctx.db, id)) {
            if (l.ticket_id == id && l.target_id == to && (kind.empty() || l.kind == kind)) {
                removed.push_back(l.kind);
            }
        }
        if (removed.empty()) {
            // Links have a direction ("3 caused-by 1"): name the other one when it exists.
            const auto back = store::links_of(ctx.db, to);
            const bool reverse = std::any_of(back.begin(), back.end(), [&](const store::LinkRow& l) {
                return l.ticket_id == to && l.target_id == id && (kind.empty() || l.kind == kind);
            });
            throw NotFound(kind.empty() ? fmt::format("ticket {} has no link to {}", id, to)
                                        : fmt::format("ticket {} has no '{}' link to {}", id, kind, to),
                           reverse ? fmt::format("the link goes from {} to {}: run 'opsctl ticket unlink {} --to {}'", to,
                                                 id, to, id)
                                   : "see 'opsctl ticket show " + std::to_string(id) + "'");
        }
        for (const auto& k : removed) {
            store::delete_link(ctx.db, store::LinkRow{id, k, to, 0});
            audit::record(ctx, "ticket", std::to_string(to), "unlinked", {{"link", {{"from", id}, {"kind", k}}}});
        }
        nlohmann::json links = nlohmann::json::array();
        for (const auto& k : removed) {
            links.push_back({{"to", to}, {"kind", k}});
        }
        finish_change(ctx, row, "unlinked", {{"link", removed.size() == 1 ? links[0] : links}});
        return removed;
    });
}

TicketDetail ticket_detail(Context& ctx, std::int64_t id, bool explain_clocks) {
    TicketDetail d;
    d.row = load(ctx, id);
    // The history is read once and serves both the clocks and the listing.
    d.history = store::events_for(ctx.db, "ticket", std::to_string(id));
    const auto cal = ctx.policy.business_calendar();
    auto clocks = compute_sla(ctx, cal, d.row, d.history, explain_clocks);
    d.response = std::move(clocks.first);
    d.resolution = std::move(clocks.second);
    d.comments = store::comments_of(ctx.db, id);
    d.links = store::links_of(ctx.db, id);
    for (const auto& l : d.links) {
        LinkedTicket t;
        t.kind = l.kind;
        t.outgoing = l.ticket_id == id;
        t.other = t.outgoing ? l.target_id : l.ticket_id;
        if (const auto other = store::find_ticket(ctx.db, t.other)) {
            t.title = other->title;
        }
        d.linked.push_back(std::move(t));
    }
    return d;
}

bool is_paused(const store::TicketRow& row) {
    // The listing loads no workflows (start-up cost), so the stored clocks tell: a response
    // clock stops at the response, a resolution clock in a resolved state; otherwise a clock
    // with a target has a due time unless it is paused.
    const bool response = row.response_target_secs && !row.responded_at && !row.response_due_at;
    const bool resolution = row.resolution_target_secs && !row.resolved_at && !row.resolution_due_at;
    return row.is_open && (response || resolution);
}

std::string sla_flag(const store::TicketRow& row, std::int64_t now) {
    if (row.response_breached || row.resolution_breached || row.sla_order < now) {
        return "breached";
    }
    if (!row.is_open) {
        return "";
    }
    if (row.sla_order != store::k_no_due) {
        return "ok";
    }
    // No clock running: the ticket waits in a pause state, or no target applies.
    return is_paused(row) ? "paused" : "-";
}

std::optional<std::int64_t> listed_due(const store::TicketRow& row) {
    if (row.sla_order == store::k_no_due || !row.is_open) {
        return std::nullopt;
    }
    return row.sla_order;
}

std::vector<store::TicketRow> list_tickets(Context& ctx, store::TicketQuery query) {
    for (auto& a : query.assignees) {
        if (a == "me") {
            a = ctx.actor;
        }
    }
    // A filter value the policy does not define would only give an empty list.
    policy::require_names(ctx.policy, "ticket-types", query.types);
    policy::require_names(ctx.policy, "priorities", query.priorities);
    policy::require_names(ctx.policy, "ticket-states", query.statuses);
    policy::require_names(ctx.policy, "people", query.assignees);
    policy::require_names(ctx.policy, "teams", query.teams);
    const auto& keys = store::ticket_sort_keys();
    if (std::find(keys.begin(), keys.end(), query.sort) == keys.end()) {
        throw UsageError(fmt::format("cannot sort by '{}'", query.sort), util::suggest(query.sort, keys));
    }
    query.now = ctx.now;
    return store::query_tickets(ctx.db, query);
}

SlaSweep sla_sweep(Context& ctx, double share) {
    SlaSweep sweep;
    struct Pending {
        std::string kind;
        store::TicketRow row;
        nlohmann::json extra;
    };
    std::vector<Pending> notices;
    store::write_transaction(ctx.db, [&] {
        sweep = SlaSweep{};
        notices.clear();
        for (const auto id : store::open_ticket_ids(ctx.db)) {
            auto row = load(ctx, id);
            auto [response, resolution] = refresh_sla(ctx, row);
            const auto* rule = ctx.policy.sla.match(row.type, row.priority);
            bool changed = false;
            for (auto* c : {&response, &resolution}) {
                if (!c->target || (c->stopped && !c->breached)) {
                    continue;
                }
                SlaAlert alert{row, *c, {}};
                if (rule && !c->stopped) {
                    for (std::size_t step = 0; step < rule->escalations.size(); ++step) {
                        const auto& esc = rule->escalations[step];
                        if (c->used() + 1e-9 < esc.at || store::escalation_fired(ctx.db, id, c->name, static_cast<int>(step))) {
                            continue;
                        }
                        store::mark_escalation(ctx.db, id, c->name, static_cast<int>(step), ctx.now);
                        const std::string pct = fmt::format("{}%", std::lround(esc.at * 100));
                        nlohmann::json fields = {{"clock", c->name}, {"at", pct}};
                        std::string label = pct;
                        std::string to = esc.reassign_to;
                        if (!esc.reassign_team.empty()) {
                            to = auto_assignee(ctx, esc.reassign_team);
                            if (row.team.value_or("") != esc.reassign_team) {
                                fields["team"] = {opt_json(row.team), esc.reassign_team};
                                row.team = esc.reassign_team;
                            }
                        }
                        if (!to.empty() && row.assignee.value_or("") != to) {
                            fields["assignee"] = {opt_json(row.assignee), to};
                            row.assignee = to;
                            label += " -> " + to;
                        }
                        audit::record(ctx, "ticket", std::to_string(id), "escalated", fields);
                        alert.fired.push_back(label);
                        notices.push_back({"ticket.escalated", row, {{"clock", c->name}, {"step", pct}}});
                        changed = true;
                    }
                }
                if (c->breached || c->used() >= share) {
                    sweep.status = std::max(sweep.status, c->breached ? 2 : 1);
                    sweep.alerts.push_back(std::move(alert));
                } else if (!alert.fired.empty()) {
                    sweep.alerts.push_back(std::move(alert));
                }
            }
            if (changed) {
                row.updated_at = ctx.now;
                refresh_sla(ctx, row);
            }
            store::save_ticket(ctx.db, row);
        }
        for (auto& n : notices) {
            stage(ctx, n.kind, n.row, n.extra);
        }
    });
    for (auto& n : notices) {
        announce(ctx, n.kind, n.row, n.extra);
    }
    return sweep;
}

} // namespace opsctl::ticket
