// opsctl ticket new|list|show|update|assign|comment|move|resolve|close|reopen|link|unlink|sla|clock|export|import|schedule
#include "cmd/common.hpp"
#include "cmd/progress.hpp"
#include "lib/output/time.hpp"

#include "lib/core/business_time.hpp"
#include "lib/core/duration.hpp"
#include "lib/core/error.hpp"
#include "lib/core/relative_time.hpp"
#include "lib/core/time.hpp"
#include "lib/core/cadence.hpp"
#include "lib/ticket/approval.hpp"
#include "lib/ticket/schedule.hpp"
#include "lib/ticket/known_error.hpp"
#include "lib/ticket/service.hpp"
#include "lib/ticket/transfer.hpp"
#include "lib/util/file.hpp"
#include "lib/util/text.hpp"
#include "lib/util/unicode.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>

namespace opsctl::cmd {

namespace {

namespace ps = policy::section;
constexpr unsigned k_sections = ticket::k_policy_sections;

struct NewOptions {
    std::string type, priority, title, body, asset, reporter, assignee, source, complaint_type;
    bool auto_assign = false;
    bool no_kb = false; // no known errors on stderr
};
struct ListOptions {
    std::vector<std::string> status, type, priority, assignee, team, asset;
    bool open = false, closed = false, all = false, breached = false;
    std::string since, until, search, sort = "due";
    std::int64_t limit = 0;
    bool awaiting_approval = false;
    std::string by; // with awaiting_approval: only those this person may still approve
};
struct ShowOptions {
    std::int64_t id = 0;
};
// The verbs that act on records take several ids, or - to read them from stdin; `words` holds
// the positional arguments (ids, then the verb's own last argument where it has one).
struct UpdateOptions {
    std::vector<std::string> words;
    std::optional<std::string> title, body, priority, type, asset, reporter, complaint_type;
};
struct AssignOptions {
    std::vector<std::string> words; // ids, then the person unless --auto
    bool auto_assign = false;
};
struct CommentOptions {
    std::vector<std::string> words; // ids, then the text
    bool internal = false;
    std::string spent;
};
struct MoveOptions {
    std::vector<std::string> words; // ids, then the state
    std::string note;
    std::optional<std::string> emergency; // the reason to pass an approval now
    bool force = false;                   // into a final state with open children
};
struct DecideOptions {
    std::vector<std::string> words;
    std::string reason;
    std::string state;
};
struct ResolveOptions {
    std::vector<std::string> words;
    std::string resolution;
    bool children = false;
    std::string kb; // the known error whose workaround solved it
};
struct CloseOptions {
    std::vector<std::string> words;
    std::optional<int> satisfaction;
    bool force = false;
};
struct ReopenOptions {
    std::vector<std::string> words;
    std::string note;
};
struct LinkOptions {
    std::int64_t id = 0;
    std::optional<std::int64_t> to;
    std::string kind;
    std::optional<std::int64_t> parent; // --parent P: --to P --kind child-of
};
struct UnlinkOptions {
    std::int64_t id = 0;
    std::optional<std::int64_t> to;
    std::string kind;
    std::optional<std::int64_t> parent;
};
struct SlaOptions {
    std::string at_risk = "75%";
};
struct ClockOptions {
    std::int64_t id = 0;
};
struct ExportOptions {
    std::string output;
};
struct ScheduleListOptions {
    std::vector<std::string> names;
    std::size_t next = 3;
};
struct ScheduleRunOptions {
    std::vector<std::string> names;
    bool dry_run = false;
};
struct ImportOptions {
    std::string file;
    bool dry_run = false;
    std::vector<std::string> map;
};

// Tables show short local times; machine formats get ISO 8601 with offset (output::time_cell).
output::Cell when(const Globals&, const Context& ctx, std::int64_t t) { return output::time_cell(t, ctx.zone()); }

output::Cell when_cell(const Globals& g, const Context& ctx, const std::optional<std::int64_t>& t) {
    return t ? when(g, ctx, *t) : output::Cell::null();
}

output::Cell opt_cell(const std::optional<std::string>& v) { return output::Cell::optional_text(v); }

void done(const Globals& g, const std::string& message) {
    if (!g.quiet) {
        std::cout << message << '\n';
    }
}

// Ticket ids from the command line: numbers, and "-" for more read from stdin (whitespace
// separated, e.g. from `ticket list -q`). Each id once, in the order given.
std::vector<std::int64_t> read_ids(const std::vector<std::string>& words) {
    std::vector<std::int64_t> ids;
    std::set<std::int64_t> seen;
    auto add = [&](const std::string& word) {
        std::int64_t id = 0;
        const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), id);
        if (ec != std::errc{} || end != word.data() + word.size() || id <= 0) {
            throw UsageError(fmt::format("'{}' is not a ticket id", word), "ids are positive numbers, or - for stdin");
        }
        if (seen.insert(id).second) {
            ids.push_back(id);
        }
    };
    bool stdin_read = false;
    for (const auto& w : words) {
        if (w != "-") {
            add(w);
            continue;
        }
        if (stdin_read) {
            continue;
        }
        stdin_read = true;
        std::string word;
        while (std::cin >> word) {
            add(word);
        }
    }
    if (ids.empty()) {
        throw UsageError(stdin_read ? "no ticket ids on stdin" : "no ticket ids",
                         "name one or more ids, or - to read them from stdin");
    }
    return ids;
}

// Splits the positional words into the ids and the verb's last argument (a person, a state,
// a text); `what` names that argument in the error when it is missing.
std::pair<std::vector<std::string>, std::string> ids_and_last(const std::vector<std::string>& words, const char* what) {
    if (words.size() < 2) {
        throw UsageError(fmt::format("name the ticket ids and then the {}", what));
    }
    return {std::vector<std::string>(words.begin(), words.end() - 1), words.back()};
}

// "done" lines, one per ticket: "closed ticket 6".
void done_each(const Globals& g, const std::vector<std::int64_t>& ids, const std::string& verb,
               const std::string& tail = {}) {
    for (const auto id : ids) {
        done(g, fmt::format("{} ticket {}{}", verb, id, tail));
    }
}

// Known errors that match a new ticket's title, on stderr (stdout stays the ticket's id for
// scripts). The ticket exists already: a failure here only loses the hint.
void print_matching_known_errors(Context& ctx, std::int64_t id, const std::string& title) {
    std::vector<ticket::KnownError> found;
    try {
        found = ticket::matching_known_errors(ctx, title, 3);
    } catch (const std::exception&) {
        return;
    }
    if (found.empty()) {
        return;
    }
    auto line = [](const std::string& text) {
        const std::string first = text.substr(0, text.find('\n'));
        return util::truncate_to_width(util::sanitize_for_terminal(first), 60);
    };
    std::string out = fmt::format("opsctl: note: known error{} that may match ticket {}:\n", found.size() == 1 ? "" : "s",
                                  id);
    for (const auto& k : found) {
        out += fmt::format("  {}  {}\n    workaround: {}\n", ticket::known_error_name(k.id), line(k.title),
                           line(k.workaround));
    }
    out += fmt::format("  (opsctl kb show {}; when its workaround solves it: opsctl ticket resolve {} --kb {} "
                       "--resolution TEXT)\n",
                       ticket::known_error_name(found.front().id), id, ticket::known_error_name(found.front().id));
    std::cerr << out;
}

void run_new(const NewOptions& o, Globals& g) {
    auto ctx = g.context(o.auto_assign ? ticket::k_assign_sections : k_sections, "ticket.create");
    ticket::NewTicket t;
    t.type = o.type;
    t.priority = o.priority;
    t.title = o.title;
    t.body = o.body.empty() ? "" : text_or_stdin(o.body);
    t.asset = o.asset;
    t.reporter = o.reporter;
    t.assignee = o.assignee;
    t.auto_assign = o.auto_assign;
    t.source = o.source;
    t.complaint_type = o.complaint_type;
    const auto row = ticket::create_ticket(ctx, t);
    if (g.quiet) {
        std::cout << row.id << '\n';
    } else {
        std::cout << fmt::format("created ticket {}", row.id);
        if (row.assignee) {
            std::cout << fmt::format(" (assigned to {})", *row.assignee);
        }
        std::cout << '\n';
    }
    if (!o.no_kb) {
        std::cout.flush();
        print_matching_known_errors(ctx, row.id, row.title);
    }
}

void run_list(const ListOptions& o, Globals& g) {
    // A listing reads stored columns only: the ticket section is needed just to check --type,
    // --priority and --status, and the calendar and SLA rules not at all (parsing their
    // YAML was most of the start-up cost). People live in opsctl.yaml, which is read anyway.
    auto ctx = g.context(o.type.empty() && o.priority.empty() && o.status.empty() && !o.awaiting_approval
                             ? ps::k_people
                             : ps::k_people | ps::k_tickets);
    ticket::TicketQuery q;
    q.statuses = o.status;
    q.types = o.type;
    q.priorities = o.priority;
    q.assignees = o.assignee;
    q.teams = o.team;
    q.assets = o.asset;
    q.breached = o.breached;
    q.search = o.search;
    q.sort = o.sort;
    q.limit = o.limit;
    q.listing = true;
    if ((o.open ? 1 : 0) + (o.closed ? 1 : 0) + (o.all ? 1 : 0) > 1) {
        throw UsageError("--open, --closed and --all exclude each other");
    }
    if (o.open) {
        q.open = true;
    } else if (o.closed) {
        q.open = false;
    } else if (!o.all && o.status.empty() && o.search.empty()) {
        // Open tickets by default; a search or a status filter looks through all of them.
        q.open = true;
    }
    if (!o.since.empty()) {
        q.since = core::parse_time_option(o.since, ctx.zone(), ctx.now, core::Bound::start, "--since");
    }
    if (!o.until.empty()) {
        q.until = core::parse_time_option(o.until, ctx.zone(), ctx.now, core::Bound::end, "--until");
    }
    if (!o.by.empty() && !o.awaiting_approval) {
        throw UsageError("--by goes with --awaiting-approval", "opsctl ticket list --awaiting-approval --by me");
    }
    const auto rows = o.awaiting_approval ? ticket::awaiting_approval(ctx, o.by) : ticket::list_tickets(ctx, q);
    output::Table t;
    t.add_column("id", "ID").add_column("priority", "Pri").add_column("type", "Type").add_column("status", "Status");
    t.add_column("assignee", "Assignee").add_column("team", "Team").add_column("asset", "Asset");
    t.add_column("title", "Title").add_column("created", "Created").add_column("due", "Due").add_column("sla", "SLA");
    for (const auto& r : rows) {
        t.add_row({output::Cell::integer(r.id), r.priority, r.type, r.status, opt_cell(r.assignee), opt_cell(r.team),
                   opt_cell(r.asset), r.title, when(g, ctx, r.created_at),
                   when_cell(g, ctx, ticket::listed_due(r)), ticket::sla_flag(r, ctx.now)});
    }
    g.print(t);
}

// A duration on a clock, in the policy's unit: working days on a business clock.
std::string clock_time(const ticket::SlaClock& c, std::int64_t secs) {
    return core::format_business_seconds(secs, c.workday_secs);
}

std::string describe_clock(const ticket::SlaClock& c) {
    if (!c.target) {
        return "no target";
    }
    std::string s = fmt::format("{} of {} used ({:.0f}%)", clock_time(c, c.elapsed), clock_time(c, *c.target),
                                c.used() * 100);
    if (c.breached) {
        s += fmt::format(", overdue by {}", clock_time(c, c.elapsed - *c.target));
    } else if (!c.stopped) {
        s += fmt::format(", {} left", clock_time(c, *c.target - c.elapsed));
    }
    return s + " — " + c.state();
}

nlohmann::json clock_json(const ticket::SlaClock& c, const Context& ctx) {
    auto t = [&](const std::optional<std::int64_t>& v) {
        return v ? nlohmann::json(core::format_time(*v, ctx.zone())) : nlohmann::json();
    };
    return {{"state", c.state()},
            {"clock", policy::to_string(c.kind)},
            {"target_secs", c.target ? nlohmann::json(*c.target) : nlohmann::json()},
            {"elapsed_secs", c.elapsed},
            {"business_secs", c.business_elapsed},
            {"paused_wall_secs", c.paused},
            {"workday_secs", c.workday_secs > 0 ? nlohmann::json(c.workday_secs) : nlohmann::json()},
            {"due_at", t(c.due_at)},
            {"stopped_at", t(c.stopped_at)},
            {"breached", c.breached}};
}

void run_show(const ShowOptions& o, Globals& g) {
    auto ctx = g.context(k_sections);
    const auto d = ticket::ticket_detail(ctx, o.id, false);
    const auto& r = d.row;
    const auto* wf = ctx.policy.tickets.workflow_of(r.type);
    const auto* st = wf ? wf->state(r.status) : nullptr;
    output::Record rec;
    rec.add("id", "ID", output::Cell::integer(r.id));
    rec.add("title", "Title", r.title);
    rec.add("type", "Type", r.type);
    rec.add("priority", "Priority", r.priority);
    rec.add("status", "Status", st && st->title != r.status ? fmt::format("{} ({})", r.status, st->title) : r.status);
    rec.add("open", "Open", output::Cell::boolean(r.is_open));
    rec.add("team", "Team", opt_cell(r.team));
    rec.add("assignee", "Assignee", opt_cell(r.assignee));
    rec.add("asset", "Asset", opt_cell(r.asset));
    rec.add("reporter", "Reporter", opt_cell(r.reporter));
    rec.add("source", "Source", opt_cell(r.source));
    rec.add("created", "Created", when(g, ctx, r.created_at));
    rec.add("updated", "Updated", when(g, ctx, r.updated_at));
    rec.add("responded", "Responded", when_cell(g, ctx, r.responded_at));
    rec.add("resolved", "Resolved", when_cell(g, ctx, r.resolved_at));
    rec.add("closed", "Closed", when_cell(g, ctx, r.closed_at));
    rec.add("resolution", "Resolution", opt_cell(r.resolution));
    // Only for a ticket solved by a known error's workaround: other tickets show as before.
    if (const auto ke = ticket::known_error_of_ticket(ctx, r.id)) {
        rec.add("known_error", "Known error", fmt::format("{} {}", ticket::known_error_name(ke->id), ke->title));
    }
    rec.add("satisfaction", "Satisfaction",
            r.satisfaction ? output::Cell::integer(*r.satisfaction) : output::Cell::null());
    rec.add("complaint_type", "Complaint type", opt_cell(r.complaint_type));
    rec.add("spent", "Time spent", core::format_seconds(r.spent_secs));
    rec.add("sla_rule", "SLA rule",
            r.sla_rule ? output::Cell(fmt::format("{} ({})", *r.sla_rule, r.sla_clock.value_or("")))
                       : output::Cell::null());
    rec.add("response_sla", "Response SLA", describe_clock(d.response));
    rec.add("response_due", "Response due", when_cell(g, ctx, d.response.due_at));
    rec.add("resolution_sla", "Resolution SLA", describe_clock(d.resolution));
    rec.add("resolution_due", "Resolution due", when_cell(g, ctx, d.resolution.due_at));
    rec.add("body", "Body", r.body);
    // Approvals appear only where the workflow asks for them: other tickets show as before.
    const auto pending = ticket::pending_approval(ctx, r);
    const auto decisions = ticket::approvals_of(ctx, r.id);
    if (pending) {
        rec.add("approval", "Approval",
                fmt::format("{}{} of {} to enter '{}'{}{}", pending->emergency ? "retrospective: " : "",
                            pending->approved_by.size(), pending->needed, pending->state,
                            pending->rejections.empty() ? "" : ", rejected by " + pending->rejections.front().person,
                            pending->may_approve.empty()
                                ? std::string()
                                : "; may approve: " + util::join(pending->may_approve, ", ")));
    }

    if (g.format == "json" && !g.quiet) {
        nlohmann::json j = nlohmann::json::object();
        for (const auto& [col, cell] : rec.fields) {
            j[col.key] = cell.kind == output::CellKind::null      ? nlohmann::json()
                         : cell.kind == output::CellKind::integer ? nlohmann::json(std::stoll(cell.text))
                         : cell.kind == output::CellKind::boolean ? nlohmann::json(cell.text == "true")
                                                                  : nlohmann::json(cell.text);
        }
        j["response_clock"] = clock_json(d.response, ctx);
        j["resolution_clock"] = clock_json(d.resolution, ctx);
        j["comments"] = nlohmann::json::array();
        for (const auto& c : d.comments) {
            j["comments"].push_back({{"at", core::format_time(c.at, ctx.zone())},
                                     {"author", c.author},
                                     {"internal", c.internal},
                                     {"spent_secs", c.spent_secs},
                                     {"text", c.body}});
        }
        if (!decisions.empty()) {
            j["approvals"] = nlohmann::json::array();
            for (const auto& a : decisions) {
                j["approvals"].push_back({{"at", core::format_time(a.at, ctx.zone())},
                                          {"person", a.person},
                                          {"decision", a.decision},
                                          {"state", a.state},
                                          {"reason", a.reason},
                                          {"retrospective", a.retrospective},
                                          {"counts", a.open}});
            }
        }
        j["links"] = nlohmann::json::array();
        for (const auto& l : d.links) {
            j["links"].push_back({{"from", l.ticket_id}, {"kind", l.kind}, {"to", l.target_id}});
        }
        j["history"] = nlohmann::json::array();
        for (const auto& e : d.history) {
            nlohmann::json h = {{"at", core::format_time(e.at, ctx.zone())},
                                {"actor", e.actor},
                                {"action", e.action},
                                {"fields", output::iso_times(e.fields, ctx.zone())}};
            // Only where the policy binds logins: an open policy's output stays as it was.
            if (!e.account.empty()) {
                h["account"] = e.account;
            }
            j["history"].push_back(std::move(h));
        }
        std::cout << j.dump(2) << '\n';
        return;
    }
    g.print(rec);
    if (g.quiet || (g.format != "table" && g.format != "md")) {
        return;
    }
    auto section = [&](const std::string& heading, const output::Table& t) {
        if (t.rows.empty()) {
            return;
        }
        std::cout << '\n' << (g.format == "md" ? "## " : "") << heading << '\n';
        auto opts = g.render_options();
        opts.columns.clear();
        output::render(t, opts, std::cout);
    };
    output::Table comments;
    comments.add_column("at", "At").add_column("author", "Author").add_column("kind", "Kind").add_column("text", "Text");
    for (const auto& c : d.comments) {
        std::string kind = c.internal ? "internal" : "public";
        if (c.spent_secs > 0) {
            kind += ", " + core::format_seconds(c.spent_secs);
        }
        comments.add_row({when(g, ctx, c.at), c.author, kind, c.body});
    }
    section("Comments", comments);
    output::Table links;
    links.add_column("link", "Link").add_column("ticket", "Ticket").add_column("title", "Title");
    for (const auto& l : d.linked) {
        // A child-of link reads as the parent from the child and as a child from the parent.
        const std::string link = l.kind == "child-of" ? (l.outgoing ? "parent" : "child")
                                 : l.outgoing        ? l.kind
                                                     : "← " + l.kind;
        links.add_row({link, output::Cell::integer(l.other), l.title});
    }
    if (r.asset) {
        links.add_row({"asset", *r.asset, ""});
    }
    section("Links", links);
    if (!decisions.empty()) {
        output::Table approvals;
        approvals.add_column("at", "At").add_column("person", "Who").add_column("decision", "Decision");
        approvals.add_column("state", "For").add_column("reason", "Reason");
        for (const auto& a : decisions) {
            approvals.add_row({when(g, ctx, a.at), a.person,
                               a.decision + (a.retrospective ? " (afterwards)" : "") + (a.open ? "" : " (done)"),
                               a.state, a.reason});
        }
        section("Approvals", approvals);
    }
    output::Table history;
    history.add_column("at", "At").add_column("actor", "Who").add_column("action", "Action").add_column("fields", "Changes");
    for (const auto& e : d.history) {
        std::string changes;
        for (auto it = e.fields.begin(); it != e.fields.end(); ++it) {
            if (!changes.empty()) {
                changes += "; ";
            }
            const auto& v = it.value();
            if (v.is_array() && v.size() == 2) {
                auto text = [](const nlohmann::json& x) { return x.is_string() ? x.get<std::string>() : x.dump(); };
                changes += fmt::format("{}: {} → {}", it.key(), text(v[0]), text(v[1]));
            } else {
                changes += fmt::format("{}: {}", it.key(), v.is_string() ? v.get<std::string>() : v.dump());
            }
        }
        // The OS account beside the person, when it is not the person's own name.
        const std::string who = e.account.empty() || e.account == e.actor ? e.actor
                                                                          : fmt::format("{} ({})", e.actor, e.account);
        history.add_row({when(g, ctx, e.at), who, e.action, changes});
    }
    section("History", history);
}

void run_update(const UpdateOptions& o, Globals& g) {
    ticket::TicketChanges c{o.title, o.body, o.priority, o.type, o.asset, o.reporter, o.complaint_type};
    if (c.body && *c.body == "-" && std::find(o.words.begin(), o.words.end(), "-") != o.words.end()) {
        throw UsageError("stdin cannot give both the ids and --body", "name the ids on the command line");
    }
    const auto ids = read_ids(o.words);
    auto ctx = g.context(k_sections, "ticket.update");
    if (c.body) {
        c.body = text_or_stdin(*c.body);
    }
    ticket::update_tickets(ctx, ids, c);
    done_each(g, ids, "updated");
}

void run_assign(const AssignOptions& o, Globals& g) {
    // With --auto every word is an id; otherwise the last one names the person.
    std::vector<std::string> words = o.words;
    std::string person;
    if (!o.auto_assign) {
        auto [id_words, last] = ids_and_last(o.words, "person (or pass --auto)");
        words = std::move(id_words);
        person = std::move(last);
    }
    const auto ids = read_ids(words);
    auto ctx = g.context(ticket::k_assign_sections, "ticket.assign");
    const auto who = ticket::assign_tickets(ctx, ids, person, o.auto_assign);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        done(g, fmt::format("assigned ticket {} to {}", ids[i], who[i]));
    }
}

void run_comment(const CommentOptions& o, Globals& g) {
    const auto [words, text] = ids_and_last(o.words, "comment text");
    if (text == "-" && std::find(words.begin(), words.end(), "-") != words.end()) {
        throw UsageError("stdin cannot give both the ids and the text", "name the ids on the command line");
    }
    const auto ids = read_ids(words);
    auto ctx = g.context(k_sections, "ticket.comment");
    std::int64_t spent = 0;
    if (!o.spent.empty()) {
        const auto d = core::parse_duration_or_throw(o.spent, "--spent");
        if (d.months != 0) {
            throw UsageError("--spent cannot be in months", "use hours or days, e.g. 30m, 2h");
        }
        spent = d.approx_seconds();
    }
    ticket::comment_tickets(ctx, ids, text_or_stdin(text), o.internal, spent);
    for (const auto id : ids) {
        done(g, fmt::format("commented on ticket {}", id));
    }
}

void run_move(const MoveOptions& o, Globals& g) {
    const auto [words, state] = ids_and_last(o.words, "state");
    const auto ids = read_ids(words);
    auto ctx = g.context(k_sections, "ticket.move");
    ticket::move_tickets(ctx, ids, state, o.note, o.emergency, o.force);
    done_each(g, ids, "moved", " to " + state);
}

void run_decide(const DecideOptions& o, Globals& g, bool reject) {
    const auto ids = read_ids(o.words);
    auto ctx = g.context(k_sections, "ticket.approve");
    ticket::decide(ctx, ids, reject, o.reason, o.state);
    done_each(g, ids, reject ? "rejected" : "approved");
}

void run_resolve(const ResolveOptions& o, Globals& g) {
    if (o.resolution == "-" && std::find(o.words.begin(), o.words.end(), "-") != o.words.end()) {
        throw UsageError("stdin cannot give both the ids and --resolution", "name the ids on the command line");
    }
    const auto ids = read_ids(o.words);
    std::optional<std::int64_t> kb;
    if (!o.kb.empty()) {
        kb = ticket::parse_known_error_id(o.kb);
    }
    auto ctx = g.context(k_sections, "ticket.resolve");
    const auto left = ticket::resolve_tickets(ctx, ids, text_or_stdin(o.resolution), o.children, kb);
    done_each(g, ids, "resolved", kb ? " by the workaround of " + ticket::known_error_name(*kb) : std::string());
    if (!left.empty()) {
        std::vector<std::string> words;
        for (const auto id : left) {
            words.push_back(std::to_string(id));
        }
        std::cerr << fmt::format("opsctl: note: open children not resolved: {} (resolve them with 'opsctl ticket "
                                 "resolve {} --resolution ...', or pass --children next time)\n",
                                 util::join(words, ", "), util::join(words, " "));
    }
}

void run_close(const CloseOptions& o, Globals& g) {
    const auto ids = read_ids(o.words);
    auto ctx = g.context(k_sections, "ticket.close");
    ticket::close_tickets(ctx, ids, o.satisfaction, o.force);
    done_each(g, ids, "closed");
}

void run_reopen(const ReopenOptions& o, Globals& g) {
    const auto ids = read_ids(o.words);
    auto ctx = g.context(k_sections, "ticket.reopen");
    ticket::reopen_tickets(ctx, ids, o.note);
    done_each(g, ids, "reopened");
}

// --parent P is --to P --kind child-of; otherwise --to is needed (and, to link, --kind).
std::pair<std::int64_t, std::string> link_target(const std::optional<std::int64_t>& to, const std::string& kind,
                                                 const std::optional<std::int64_t>& parent, bool kind_required) {
    if (parent) {
        return {*parent, "child-of"};
    }
    if (!to) {
        throw UsageError("no ticket to link to", "give --to ID (with --kind), or --parent ID");
    }
    if (kind_required && kind.empty()) {
        throw UsageError("no link kind", "give --kind caused-by, child-of, duplicate-of or related");
    }
    return {*to, kind};
}

void run_link(const LinkOptions& o, Globals& g) {
    const auto [to, kind] = link_target(o.to, o.kind, o.parent, true);
    auto ctx = g.context(k_sections, "ticket.update");
    ticket::link_tickets(ctx, o.id, to, kind);
    done(g, o.parent ? fmt::format("ticket {} is now a child of {}", o.id, to)
                     : fmt::format("linked ticket {} ({}) to {}", o.id, kind, to));
}

void run_unlink(const UnlinkOptions& o, Globals& g) {
    const auto [to, kind] = link_target(o.to, o.kind, o.parent, false);
    auto ctx = g.context(k_sections, "ticket.update");
    const auto kinds = ticket::unlink_tickets(ctx, o.id, to, kind);
    done(g, fmt::format("unlinked ticket {} ({}) from {}", o.id, util::join(kinds, ", "), to));
}

void run_sla(const SlaOptions& o, Globals& g) {
    std::string text = o.at_risk;
    if (!text.empty() && text.back() == '%') {
        text.pop_back();
    }
    char* end = nullptr;
    const double pct = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || pct <= 0 || pct > 1000) {
        throw UsageError(fmt::format("--at-risk '{}' is not a percentage", o.at_risk), "e.g. --at-risk 75%");
    }
    auto ctx = g.context(ticket::k_assign_sections, "ticket.escalate");
    const auto sweep = ticket::sla_sweep(ctx, pct / 100.0);
    output::Table t;
    t.add_column("id", "ID").add_column("priority", "Pri").add_column("assignee", "Assignee").add_column("title", "Title");
    t.add_column("clock", "Clock").add_column("used", "Used").add_column("due", "Due").add_column("state", "State");
    t.add_column("escalated", "Escalated");
    for (const auto& a : sweep.alerts) {
        t.add_row({output::Cell::integer(a.row.id), a.row.priority, opt_cell(a.row.assignee), a.row.title, a.clock.name,
                   fmt::format("{:.0f}%", a.clock.used() * 100), when_cell(g, ctx, a.clock.due_at), a.clock.state(),
                   util::join(a.fired, ", ")});
    }
    g.print(t);
    // Exits like a monitoring plugin: 0 none at risk, 1 some at risk, 2 some breached.
    g.exit_status = sweep.status;
}

void run_clock(const ClockOptions& o, Globals& g) {
    auto ctx = g.context(k_sections);
    const auto d = ticket::ticket_detail(ctx, o.id, true);
    output::Table t;
    t.add_column("clock", "Clock").add_column("start", "Start").add_column("end", "End").add_column("state", "State");
    t.add_column("counted", "Counted").add_column("counted_secs", "Secs").add_column("why", "Why");
    for (const auto* c : {&d.response, &d.resolution}) {
        std::int64_t total = 0;
        for (const auto& p : c->pieces) {
            total += p.counted;
            t.add_row({c->name, when(g, ctx, p.start), when(g, ctx, p.end), p.state, clock_time(*c, p.counted),
                       output::Cell::integer(p.counted), p.why});
        }
        t.add_row({c->name, "", "", "total", clock_time(*c, total), output::Cell::integer(total),
                   describe_clock(*c)});
    }
    g.print(t);
}

void run_export(const ExportOptions& o, Globals& g) {
    auto ctx = g.context(k_sections);
    // An export is CSV whatever the format; --format excel asks for the spreadsheet form.
    const auto form = g.format == "excel" ? output::Format::excel : output::Format::csv;
    if (o.output.empty() || o.output == "-") {
        ticket::export_tickets(ctx, std::cout, form);
        return;
    }
    std::int64_t n = 0;
    util::write_file_atomic(o.output, ticket::k_export_mode,
                            [&](std::ostream& out) { n = ticket::export_tickets(ctx, out, form); });
    done(g, fmt::format("exported {} tickets to '{}'", n, o.output));
}

void run_import(const ImportOptions& o, Globals& g) {
    auto ctx = g.context(k_sections, "ticket.import");
    ticket::ImportResult r;
    ProgressLine line(fmt::format("importing '{}'", o.file == "-" ? "stdin" : o.file), std::chrono::seconds(1));
    const auto progress = row_progress(line, o.file);
    if (o.file == "-") {
        r = ticket::import_tickets(ctx, std::cin, o.dry_run, o.map, progress);
    } else {
        std::ifstream in(o.file, std::ios::binary);
        if (!in) {
            throw NotFound(fmt::format("cannot read '{}'", o.file));
        }
        r = ticket::import_tickets(ctx, in, o.dry_run, o.map, progress);
    }
    line.clear();
    done(g, o.dry_run ? fmt::format("checked {} rows: all good (nothing written, --dry-run)", r.rows)
                      : fmt::format("imported {} tickets", r.rows));
}

void run_schedule_list(const ScheduleListOptions& o, Globals& g) {
    auto ctx = g.context(ticket::k_schedule_sections);
    const auto dates = ticket::schedule_dates(ctx, o.names, o.next);
    output::Table t;
    t.add_column("schedule", "Schedule").add_column("period", "Period").add_column("due", "Due");
    t.add_column("state", "State").add_column("type", "Type").add_column("priority", "Pri");
    t.add_column("assignee", "Assignee").add_column("assets", "Assets").add_column("every", "Every");
    t.add_column("catch_up", "Catch-up").add_column("last", "Last").add_column("title", "Title");
    for (const auto& d : dates) {
        const auto& s = *d.schedule;
        t.add_row({s.name, d.period, d.due, d.pending ? "due" : "upcoming", d.type, d.priority,
                   ticket::schedule_assignee(ctx, s), ticket::schedule_assets(s), core::describe(s.cadence),
                   policy::catch_up_name(s.catch_up),
                   d.last.empty() ? output::Cell::null() : output::Cell{d.last}, d.title});
    }
    g.print(t);
}

void run_schedule_run(const ScheduleRunOptions& o, Globals& g) {
    auto ctx = g.context(ticket::k_schedule_sections, "ticket.create");
    const auto report = ticket::run_schedules(ctx, o.names, o.dry_run);
    output::Table t;
    t.add_column("ticket", "Ticket").add_column("schedule", "Schedule").add_column("period", "Period");
    t.add_column("due", "Due").add_column("asset", "Asset").add_column("assignee", "Assignee");
    t.add_column("title", "Title");
    auto text = [](const std::string& s) { return s.empty() ? output::Cell::null() : output::Cell{s}; };
    for (const auto& r : report.opened) {
        t.add_row({r.ticket ? output::Cell::integer(r.ticket) : output::Cell::null(), r.schedule, r.period, r.due,
                   text(r.asset), text(r.assignee), r.title});
    }
    g.print(t);
    for (const auto& p : report.problems) {
        std::cerr << "opsctl: warning: " << p << '\n';
    }
    // Cron mails the output of a failed job: a schedule that could not open is news.
    if (!report.problems.empty()) {
        g.exit_status = 1;
    }
}

CLI::Option* id_arg(CLI::App* sub, std::int64_t& id) {
    return sub->add_option("id", id, "Ticket id")->required();
}

// Several ids (or - for stdin), then the verb's last argument when it has one: the positional
// is named after that argument (person, state, text), so completion offers its values.
CLI::Option* ids_arg(CLI::App* sub, std::vector<std::string>& words, const char* last_name = nullptr,
                     const char* last = nullptr) {
    const std::string what = last ? fmt::format("Ticket ids (or - to read them from stdin), then {}", last)
                                  : std::string("Ticket ids, or - to read them from stdin");
    return sub->add_option(last_name ? last_name : "ids", words, what)->required();
}

} // namespace

void register_ticket(CLI::App& app, Globals& g) {
    auto* group = app.add_subcommand("ticket", "Incidents, requests, problems, changes and bugs: workflows and SLA");
    group->require_subcommand(1);
    group->footer("Exit status: 0 ok; 64 usage; 65 bad data or a transition the workflow does not allow;\n"
                  "66 no such ticket; 78 bad policy. 'ticket sla': 0 none at risk, 1 at risk, 2 breached.");
    const VerbFilter want(g,
                          {"new", "list", "show", "update", "assign", "comment", "move", "approve", "reject", "resolve",
                           "close", "reopen", "link", "unlink", "sla", "clock", "export", "import", "schedule"});

    if (want("new")) {
        auto o = std::make_shared<NewOptions>();
        auto* sub = group->add_subcommand("new", "Open a ticket (-q prints only its id)");
        sub->add_option("--type", o->type, "Ticket type (default: tickets.default_type)");
        sub->add_option("--priority", o->priority, "Priority, e.g. P1 (default: the type's)");
        sub->add_option("--title", o->title, "One-line summary")->required();
        sub->add_option("--body", o->body, "Description, or - to read it from stdin");
        sub->add_option("--asset", o->asset, "Asset tag the ticket is about");
        sub->add_option("--reporter", o->reporter, "Who reported it");
        auto* who = sub->add_option("--assignee", o->assignee, "Person to assign");
        sub->add_flag("--auto", o->auto_assign, "Assign whoever is on duty for the type's team")->excludes(who);
        sub->add_option("--source", o->source, "Key of an automatic source, unique among open tickets");
        sub->add_option("--complaint-type", o->complaint_type, "For complaints: one of tickets.complaint_types");
        sub->add_flag("--no-kb", o->no_kb, "Do not list the known errors that match the title (on stderr)");
        sub->callback([o, &g] { run_new(*o, g); });
    }
    if (want("list")) {
        auto o = std::make_shared<ListOptions>();
        auto* sub = group->add_subcommand("list", "Open tickets, most urgent SLA first");
        sub->add_option("--status", o->status, "Only these states")->delimiter(',');
        sub->add_option("--type", o->type, "Only these types")->delimiter(',');
        sub->add_option("--priority", o->priority, "Only these priorities")->delimiter(',');
        sub->add_option("--assignee", o->assignee, "Only tickets of USER ('me' for yourself)")->delimiter(',');
        sub->add_option("--team", o->team, "Only tickets of a team")->delimiter(',');
        sub->add_option("--asset", o->asset, "Only tickets about an asset")->delimiter(',');
        sub->add_flag("--open", o->open, "Open tickets only (the default)");
        sub->add_flag("--closed", o->closed, "Closed tickets only");
        sub->add_flag("--all", o->all, "Open and closed tickets");
        sub->add_option("--since", o->since, "Created at or after this time");
        sub->add_option("--until", o->until, "Created before this time");
        sub->add_flag("--breached", o->breached, "Only tickets past an SLA target");
        sub->add_option("--search", o->search, "Text in title, body or comments (searches all tickets)");
        sub->add_option("--sort", o->sort, "due (default), id, created, updated, priority");
        sub->add_option("--limit", o->limit, "At most N tickets");
        sub->add_flag("--awaiting-approval", o->awaiting_approval,
                      "Only tickets waiting for an approval (or a retrospective one after an emergency)");
        sub->add_option("--by", o->by, "With --awaiting-approval: only those PERSON ('me') may still approve");
        sub->callback([o, &g] { run_list(*o, g); });
    }
    if (want("show")) {
        auto o = std::make_shared<ShowOptions>();
        auto* sub = group->add_subcommand("show", "All fields, SLA clocks, comments, links and history");
        id_arg(sub, o->id);
        sub->callback([o, &g] { run_show(*o, g); });
    }
    if (want("update")) {
        auto o = std::make_shared<UpdateOptions>();
        auto* sub = group->add_subcommand("update", "Change title, body, priority, type, asset or reporter");
        ids_arg(sub, o->words);
        sub->add_option("--title", o->title, "New title");
        sub->add_option("--body", o->body, "New body, or - for stdin");
        sub->add_option("--priority", o->priority, "New priority");
        sub->add_option("--type", o->type, "New type");
        sub->add_option("--asset", o->asset, "New asset tag ('' to clear)");
        sub->add_option("--reporter", o->reporter, "New reporter");
        sub->add_option("--complaint-type", o->complaint_type, "Complaint type");
        sub->callback([o, &g] { run_update(*o, g); });
    }
    if (want("assign")) {
        auto o = std::make_shared<AssignOptions>();
        auto* sub = group->add_subcommand("assign", "Assign to a person, or --auto to whoever is on duty");
        ids_arg(sub, o->words, "person", "the person id (none with --auto)");
        sub->add_flag("--auto", o->auto_assign, "On duty for the ticket's team, else its least-loaded member");
        sub->callback([o, &g] { run_assign(*o, g); });
    }
    if (want("comment")) {
        auto o = std::make_shared<CommentOptions>();
        auto* sub = group->add_subcommand("comment", "Add a comment or work log (TEXT or - for stdin)");
        ids_arg(sub, o->words, "text", "the comment text (or - for stdin)");
        sub->add_flag("--internal", o->internal, "Internal note (not a response to the customer)");
        sub->add_option("--spent", o->spent, "Time worked, e.g. 30m, 1h30m");
        sub->callback([o, &g] { run_comment(*o, g); });
    }
    if (want("move")) {
        auto o = std::make_shared<MoveOptions>();
        auto* sub = group->add_subcommand("move", "Move to a state the workflow allows (exit 65 names the allowed)");
        ids_arg(sub, o->words, "state", "the target state");
        sub->add_option("--note", o->note, "Why (kept as an internal comment)");
        sub->add_option("--emergency", o->emergency,
                        "Enter a state that needs approval now, for this reason; approved afterwards");
        sub->add_flag("--force", o->force, "Into a final state even with open children");
        sub->callback([o, &g] { run_move(*o, g); });
    }
    if (want("approve")) {
        auto o = std::make_shared<DecideOptions>();
        auto* sub = group->add_subcommand("approve", "Approve a ticket's move into a state that needs approval");
        ids_arg(sub, o->words);
        sub->add_option("--reason", o->reason, "A note kept with the approval");
        sub->add_option("--state", o->state, "The guarded state, when several are reachable");
        sub->callback([o, &g] { run_decide(*o, g, false); });
    }
    if (want("reject")) {
        auto o = std::make_shared<DecideOptions>();
        auto* sub = group->add_subcommand("reject", "Reject a ticket's move into a state that needs approval");
        ids_arg(sub, o->words);
        sub->add_option("--reason", o->reason, "Why (required)")->required();
        sub->add_option("--state", o->state, "The guarded state, when several are reachable");
        sub->callback([o, &g] { run_decide(*o, g, true); });
    }
    if (want("resolve")) {
        auto o = std::make_shared<ResolveOptions>();
        auto* sub = group->add_subcommand("resolve", "Move to the resolved state with a resolution");
        ids_arg(sub, o->words);
        sub->add_option("--resolution", o->resolution, "What was done, or - for stdin")->required();
        sub->add_flag("--children", o->children, "Resolve the open children too, with the same resolution");
        sub->add_option("--kb", o->kb, "The known error (KE-N) whose workaround solved it");
        sub->callback([o, &g] { run_resolve(*o, g); });
    }
    if (want("close")) {
        auto o = std::make_shared<CloseOptions>();
        auto* sub = group->add_subcommand("close", "Move to the final state, with customer satisfaction 1-5");
        ids_arg(sub, o->words);
        sub->add_option("--satisfaction", o->satisfaction, "1 (poor) to 5 (excellent)");
        sub->add_flag("--force", o->force, "Close even with open children");
        sub->callback([o, &g] { run_close(*o, g); });
    }
    if (want("reopen")) {
        auto o = std::make_shared<ReopenOptions>();
        auto* sub = group->add_subcommand("reopen", "Take a resolved or closed ticket back to work");
        ids_arg(sub, o->words);
        sub->add_option("--note", o->note, "Why (kept as an internal comment)");
        sub->callback([o, &g] { run_reopen(*o, g); });
    }
    if (want("link")) {
        auto o = std::make_shared<LinkOptions>();
        auto* sub = group->add_subcommand("link", "Link to another ticket, or make it a child of one");
        id_arg(sub, o->id);
        auto* to = sub->add_option("--to", o->to, "The other ticket");
        auto* kind = sub->add_option("--kind", o->kind, "caused-by, child-of, duplicate-of or related");
        sub->add_option("--parent", o->parent, "The parent ticket (the same as --to ID --kind child-of)")
            ->excludes(to)
            ->excludes(kind);
        sub->callback([o, &g] { run_link(*o, g); });
    }
    if (want("unlink")) {
        auto o = std::make_shared<UnlinkOptions>();
        auto* sub = group->add_subcommand("unlink", "Remove a link made by 'ticket link'");
        id_arg(sub, o->id);
        auto* to = sub->add_option("--to", o->to, "The other ticket");
        auto* kind = sub->add_option("--kind", o->kind, "Only this kind (default: every kind from ID to --to)");
        sub->add_option("--parent", o->parent, "The parent to leave (the same as --to ID --kind child-of)")
            ->excludes(to)
            ->excludes(kind);
        sub->callback([o, &g] { run_unlink(*o, g); });
    }
    if (want("sla")) {
        auto o = std::make_shared<SlaOptions>();
        auto* sub = group->add_subcommand("sla", "For cron: tickets near or past a target; fires escalations once");
        sub->add_option("--at-risk", o->at_risk, "Share of a target that counts as at risk (default 75%)");
        sub->callback([o, &g] { run_sla(*o, g); });
    }
    if (want("clock")) {
        auto o = std::make_shared<ClockOptions>();
        auto* sub = group->add_subcommand("clock", "Explain each SLA clock span by span");
        id_arg(sub, o->id);
        sub->callback([o, &g] { run_clock(*o, g); });
    }
    if (want("schedule")) {
        auto* sched = group->add_subcommand("schedule", "Scheduled work from the policy: the next dates, and opening what is due");
        sched->require_subcommand(1);
        auto lo = std::make_shared<ScheduleListOptions>();
        auto* list = sched->add_subcommand("list", "The next dates of each schedule (due: the next run opens it)");
        list->add_option("schedules", lo->names, "Only these schedules");
        list->add_option("--next", lo->next, "Dates per schedule, 1-100 (default 3)");
        list->callback([lo, &g] { run_schedule_list(*lo, g); });
        auto ro = std::make_shared<ScheduleRunOptions>();
        auto* run = sched->add_subcommand("run", "For cron, daily: open a ticket for each period due, once (-q: ids)");
        run->add_option("schedules", ro->names, "Only these schedules");
        run->add_flag("--dry-run", ro->dry_run, "Only list what would be opened");
        run->callback([ro, &g] { run_schedule_run(*ro, g); });
    }
    if (want("export")) {
        auto o = std::make_shared<ExportOptions>();
        auto* sub = group->add_subcommand(
            "export", "Every ticket as CSV with every field (--format excel: for a spreadsheet)");
        sub->add_option("-o,--output", o->output,
                        "Write to FILE (mode 0600, replaced atomically) instead of stdout");
        sub->callback([o, &g] { run_export(*o, g); });
    }
    if (want("import")) {
        auto o = std::make_shared<ImportOptions>();
        auto* sub = group->add_subcommand("import", "Import a CSV export; checks every row first (exit 65)");
        sub->add_option("file", o->file, "CSV file, or - for stdin")->required();
        sub->add_flag("--dry-run", o->dry_run, "Only check the rows");
        sub->add_option("--map", o->map, "Header LABEL=column, e.g. 标题=title (repeatable)")->allow_extra_args(false);
        sub->callback([o, &g] { run_import(*o, g); });
    }
}

} // namespace opsctl::cmd
