// opsctl kb publish|edit|retire|list|show|search: the known error database
#include "cmd/common.hpp"
#include "lib/output/time.hpp"

#include "lib/core/error.hpp"
#include "lib/core/time.hpp"
#include "lib/ticket/known_error.hpp"

#include <fmt/format.h>

#include <iostream>

namespace opsctl::cmd {

namespace {

constexpr unsigned k_sections = ticket::k_known_error_sections;

struct TextOptions {
    std::optional<std::string> title, symptom, cause, workaround, fix;
};
struct PublishOptions {
    std::int64_t problem = 0;
    TextOptions text;
};
struct EditOptions {
    std::string id;
    TextOptions text;
};
struct RetireOptions {
    std::string id;
    std::string reason;
};
struct ListOptions {
    bool all = false;
    std::optional<std::int64_t> problem;
    std::int64_t limit = 0;
};
struct ShowOptions {
    std::string id;
};
struct SearchOptions {
    std::string text;
    bool all = false;
    std::int64_t limit = 0;
};

void done(const Globals& g, const std::string& message, std::int64_t id) {
    std::cout << (g.quiet ? ticket::known_error_name(id) : message) << '\n';
}

// The text options, each TEXT or - for stdin (one of them at most).
ticket::KnownErrorText read_text(const TextOptions& o) {
    int from_stdin = 0;
    for (const auto* v : {&o.title, &o.symptom, &o.cause, &o.workaround, &o.fix}) {
        from_stdin += *v && **v == "-" ? 1 : 0;
    }
    if (from_stdin > 1) {
        throw UsageError("only one option can read stdin (-)", "give the other texts on the command line");
    }
    auto read = [](const std::optional<std::string>& v) {
        return v ? std::optional<std::string>(text_or_stdin(*v)) : std::nullopt;
    };
    return {read(o.title), read(o.symptom), read(o.cause), read(o.workaround), read(o.fix)};
}

void run_publish(const PublishOptions& o, Globals& g) {
    auto ctx = g.context(k_sections, "kb.publish");
    const auto row = ticket::publish_known_error(ctx, o.problem, read_text(o.text));
    done(g, fmt::format("published known error {} from problem {}", ticket::known_error_name(row.id), o.problem),
         row.id);
}

void run_edit(const EditOptions& o, Globals& g) {
    const auto id = ticket::parse_known_error_id(o.id);
    auto ctx = g.context(k_sections, "kb.publish");
    ticket::edit_known_error(ctx, id, read_text(o.text));
    done(g, fmt::format("updated known error {}", ticket::known_error_name(id)), id);
}

void run_retire(const RetireOptions& o, Globals& g) {
    const auto id = ticket::parse_known_error_id(o.id);
    auto ctx = g.context(k_sections, "kb.retire");
    ticket::retire_known_error(ctx, id, o.reason);
    done(g, fmt::format("retired known error {}", ticket::known_error_name(id)), id);
}

void print_rows(const std::vector<ticket::KnownError>& rows, Globals& g, const Context& ctx) {
    output::Table t;
    t.add_column("id", "ID").add_column("title", "Title").add_column("symptom", "Symptom");
    t.add_column("workaround", "Workaround").add_column("problem", "Problem").add_column("status", "Status");
    t.add_column("solved", "Solved").add_column("updated", "Updated");
    for (const auto& r : rows) {
        t.add_row({ticket::known_error_name(r.id), r.title, r.symptom, r.workaround, output::Cell::integer(r.problem_id),
                   r.status, output::Cell::integer(r.solved), output::time_cell(r.updated_at, ctx.zone())});
    }
    g.print(t);
}

void check_limit(std::int64_t limit) {
    if (limit < 0 || limit > 1'000'000) {
        throw UsageError(fmt::format("--limit {} is out of range", limit), "give 1 to 1000000 (0: no limit)");
    }
}

void run_list(const ListOptions& o, Globals& g) {
    check_limit(o.limit);
    auto ctx = g.context(policy::section::k_people);
    ticket::KnownErrorQuery q;
    q.retired = o.all;
    q.problem = o.problem;
    q.limit = o.limit;
    print_rows(ticket::list_known_errors(ctx, q), g, ctx);
}

void run_search(const SearchOptions& o, Globals& g) {
    check_limit(o.limit);
    if (o.text.empty()) {
        throw UsageError("search for what?", "give the text to look for, e.g. opsctl kb search 打印机");
    }
    auto ctx = g.context(policy::section::k_people);
    ticket::KnownErrorQuery q;
    q.search = o.text;
    q.retired = o.all;
    q.limit = o.limit;
    print_rows(ticket::list_known_errors(ctx, q), g, ctx);
}

void run_show(const ShowOptions& o, Globals& g) {
    const auto id = ticket::parse_known_error_id(o.id);
    auto ctx = g.context(policy::section::k_people);
    const auto d = ticket::known_error_detail(ctx, id);
    const auto& r = d.row;
    auto when = [&](const std::optional<std::int64_t>& t) {
        return t ? output::time_cell(*t, ctx.zone()) : output::Cell::null();
    };
    output::Record rec;
    rec.add("id", "ID", ticket::known_error_name(r.id));
    rec.add("title", "Title", r.title);
    rec.add("status", "Status", r.status);
    rec.add("problem", "Problem", output::Cell::integer(r.problem_id));
    rec.add("problem_title", "Problem title", d.problem_title);
    rec.add("symptom", "Symptom", r.symptom);
    rec.add("cause", "Cause", r.cause);
    rec.add("workaround", "Workaround", r.workaround);
    rec.add("fix", "Fix", r.fix.empty() ? output::Cell::null() : output::Cell(r.fix));
    rec.add("solved", "Tickets solved", output::Cell::integer(r.solved));
    rec.add("created", "Published", when(r.created_at));
    rec.add("updated", "Updated", when(r.updated_at));
    rec.add("retired", "Retired", when(r.retired_at));
    rec.add("retire_reason", "Retired because", r.retire_reason.empty() ? output::Cell::null() : output::Cell(r.retire_reason));
    g.print(rec);
    if (g.quiet || (g.format != "table" && g.format != "md")) {
        return;
    }
    output::Table history;
    history.add_column("at", "At").add_column("actor", "Who").add_column("action", "Action");
    for (const auto& e : d.history) {
        history.add_row({output::time_cell(e.at, ctx.zone()), e.actor, e.action});
    }
    std::cout << '\n' << (g.format == "md" ? "## " : "") << "History" << '\n';
    auto opts = g.render_options();
    opts.columns.clear();
    output::render(history, opts, std::cout);
}

// The text options of publish and edit.
void text_options(CLI::App* sub, TextOptions& o, bool publish) {
    const char* stdin_note = ", or - for stdin";
    sub->add_option("--title", o.title, publish ? "Name in lists (default: the problem's title)" : "New title");
    auto* symptom = sub->add_option("--symptom", o.symptom, std::string("What users see") + stdin_note);
    auto* cause = sub->add_option("--cause", o.cause, std::string("Why it happens") + stdin_note);
    auto* workaround =
        sub->add_option("--workaround", o.workaround, std::string("What restores service now") + stdin_note);
    sub->add_option("--fix", o.fix, std::string("The permanent fix, once known") + stdin_note);
    if (publish) {
        symptom->required();
        cause->required();
        workaround->required();
    }
}

} // namespace

void register_kb(CLI::App& app, Globals& g) {
    auto* group = app.add_subcommand("kb", "Known errors: what problems found out (symptom, cause, workaround, fix)");
    group->require_subcommand(1);
    group->footer("Exit status: 0 ok; 64 usage; 65 bad data (not a problem ticket, an empty field, retired);\n"
                  "66 no such ticket or known error; 77 not permitted; 78 bad policy.");
    const VerbFilter want(g, {"publish", "edit", "retire", "list", "show", "search"});

    if (want("publish")) {
        auto o = std::make_shared<PublishOptions>();
        auto* sub = group->add_subcommand("publish", "Publish a known error from a problem ticket (-q prints its id)");
        sub->add_option("problem", o->problem, "The problem ticket's id")->required();
        text_options(sub, o->text, true);
        sub->callback([o, &g] { run_publish(*o, g); });
    }
    if (want("edit")) {
        auto o = std::make_shared<EditOptions>();
        auto* sub = group->add_subcommand("edit", "Change a known error's title, symptom, cause, workaround or fix");
        sub->add_option("id", o->id, "Known error id (KE-N)")->required();
        text_options(sub, o->text, false);
        sub->callback([o, &g] { run_edit(*o, g); });
    }
    if (want("retire")) {
        auto o = std::make_shared<RetireOptions>();
        auto* sub = group->add_subcommand("retire", "Retire a known error: no longer listed, searched or offered");
        sub->add_option("id", o->id, "Known error id (KE-N)")->required();
        sub->add_option("--reason", o->reason, "Why (kept with it)");
        sub->callback([o, &g] { run_retire(*o, g); });
    }
    if (want("list")) {
        auto o = std::make_shared<ListOptions>();
        auto* sub = group->add_subcommand("list", "Published known errors, newest first");
        sub->add_flag("--all", o->all, "Retired ones too");
        sub->add_option("--problem", o->problem, "Only those of this problem ticket");
        sub->add_option("--limit", o->limit, "At most N");
        sub->callback([o, &g] { run_list(*o, g); });
    }
    if (want("show")) {
        auto o = std::make_shared<ShowOptions>();
        auto* sub = group->add_subcommand("show", "A known error in full, with its history");
        sub->add_option("id", o->id, "Known error id (KE-N)")->required();
        sub->callback([o, &g] { run_show(*o, g); });
    }
    if (want("search")) {
        auto o = std::make_shared<SearchOptions>();
        auto* sub = group->add_subcommand("search", "Known errors holding TEXT anywhere (Chinese too), newest first");
        sub->add_option("text", o->text, "Text to look for, taken literally")->required();
        sub->add_flag("--all", o->all, "Retired ones too");
        sub->add_option("--limit", o->limit, "At most N");
        sub->callback([o, &g] { run_search(*o, g); });
    }
}

} // namespace opsctl::cmd
