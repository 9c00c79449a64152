// opsctl asset add|list|show|update|retire|dispose|transfer|maint add|maint list|checkout|checkin|
// audit start|scan|finish|list|show|due|export|import|count
#include "cmd/common.hpp"
#include "cmd/progress.hpp"
#include "lib/output/time.hpp"

#include "lib/asset/exchange.hpp"
#include "lib/asset/inventory.hpp"
#include "lib/asset/maintenance.hpp"
#include "lib/asset/custody.hpp"
#include "lib/asset/depreciation.hpp"
#include "lib/asset/stocktake.hpp"
#include "lib/core/date.hpp"
#include "lib/core/duration.hpp"
#include "lib/core/error.hpp"
#include "lib/core/relative_time.hpp"
#include "lib/core/time.hpp"
#include "lib/ticket/service.hpp"
#include "lib/util/file.hpp"
#include "lib/util/spool.hpp"
#include "lib/util/money.hpp"
#include "lib/util/text.hpp"

#include <fmt/format.h>
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <nlohmann/json.hpp>

namespace opsctl::cmd {

namespace {

constexpr unsigned k_sections = policy::section::k_assets | policy::section::k_people;

struct AssetAddOptions {
    std::string cls, tag;
    asset::AssetInput input;
};
struct AssetListOptions {
    asset::ListQuery query;
};
struct AssetShowOptions {
    std::string tag, on;
    std::int64_t history = 20;
    std::int64_t tickets = 10;
};
struct AssetUpdateOptions {
    std::string tag;
    asset::AssetInput input;
};
struct AssetRetireOptions {
    std::string tag, reason;
};
struct AssetDisposeOptions {
    std::string tag;
};
struct AssetTransferOptions {
    std::string from, to, cls;
    bool dry_run = false;
};
struct AssetMaintAddOptions {
    std::string tag, kind, note, result, spent, at;
    std::optional<double> cost;
};
struct AssetMaintListOptions {
    std::string tag, since, kind;
    std::int64_t limit = 0;
};
struct AssetCheckoutOptions {
    std::string tag, to, location, due, note;
};
struct AssetCheckinOptions {
    std::string tag, note;
};
struct AssetAuditStartOptions {
    std::string location;
};
struct AssetAuditScanOptions {
    std::optional<std::int64_t> audit;
    std::string location;
    std::vector<std::string> args; // [AUDIT] TAG... ('-': standard input)
};
struct AssetAuditPickOptions {
    std::optional<std::int64_t> audit;
    std::string location;
    std::vector<std::string> args; // [AUDIT]
};
struct AssetAuditListOptions {
    std::string location;
    bool open = false;
    std::int64_t limit = 0;
};
struct AssetDueOptions {
    std::string within = "30d";
};
struct AssetExportOptions {
    std::string cls, output;
};
struct AssetImportOptions {
    std::string file;
    bool dry_run = false;
    bool update = false;
    std::string key = "tag";
    std::vector<std::string> map;
};
struct AssetCountOptions {
    std::string by = "class";
};

std::string person_label(const Context& ctx, const std::string& id) {
    if (id.empty()) {
        return {};
    }
    const auto* p = ctx.policy.person(id);
    return p && p->name != id ? fmt::format("{} ({})", id, p->name) : id;
}

std::string class_label(const Context& ctx, const std::string& id) {
    const auto* c = ctx.policy.assets.find_class(id);
    return c && c->label != id ? fmt::format("{} ({})", id, c->label) : id;
}

output::Cell time_cell(const Context& ctx, const std::optional<std::int64_t>& t) {
    return output::time_cell(t, ctx.zone());
}

output::Cell text_cell(const std::string& s) { return s.empty() ? output::Cell::null() : output::Cell(s); }

// A return is due by the end of a day (the midnight after it is stored): that day, YYYY-MM-DD.
std::string day_ending(const Context& ctx, std::int64_t midnight) {
    return core::format_date(ctx.zone().date_of(midnight - 1));
}

output::Cell day_ending_cell(const Context& ctx, const std::optional<std::int64_t>& midnight) {
    return midnight ? output::Cell(day_ending(ctx, *midnight)) : output::Cell::null();
}

output::Table asset_table(const Context& ctx, const std::vector<asset::Asset>& rows) {
    output::Table t;
    t.add_column("tag", "Tag")
        .add_column("class", "Class")
        .add_column("name", "Name")
        .add_column("status", "Status")
        .add_column("owner", "Owner")
        .add_column("location", "Location")
        .add_column("model", "Model")
        .add_column("serial", "Serial")
        .add_column("address", "Address");
    for (const auto& a : rows) {
        t.add_row({a.tag, a.cls, a.name, a.status, text_cell(a.owner), text_cell(a.location), text_cell(a.model),
                   text_cell(a.serial), text_cell(a.address)});
    }
    (void)ctx;
    return t;
}

output::Table maintenance_table(const Context& ctx, const std::vector<asset::MaintenanceRecord>& rows, bool with_tag) {
    output::Table t;
    t.add_column("id", "Id");
    if (with_tag) {
        t.add_column("tag", "Tag");
    }
    t.add_column("at", "At")
        .add_column("kind", "Kind")
        .add_column("note", "Note")
        .add_column("result", "Result")
        .add_column("spent", "Spent")
        .add_column("cost", "Cost")
        .add_column("actor", "By");
    for (const auto& m : rows) {
        std::vector<output::Cell> row;
        row.push_back(output::Cell::integer(m.id));
        if (with_tag) {
            row.emplace_back(m.tag);
        }
        row.push_back(output::time_cell(m.at, ctx.zone()));
        row.emplace_back(m.kind);
        row.emplace_back(m.note);
        row.push_back(text_cell(m.result));
        row.push_back(m.spent_secs ? output::Cell(core::format_seconds(*m.spent_secs)) : output::Cell::null());
        row.push_back(m.cost ? output::Cell::number(*m.cost, 2) : output::Cell::null());
        row.emplace_back(m.actor);
        t.add_row(std::move(row));
    }
    return t;
}

void add_input_options(CLI::App* sub, asset::AssetInput& in, bool with_status) {
    sub->add_option("--name", in.name, "Name, e.g. 'db-01' or '3楼大会议室'");
    sub->add_option("--model", in.model, "Model");
    sub->add_option("--serial", in.serial, "Serial number");
    sub->add_option("--owner", in.owner, "Responsible person (a person id from the policy)");
    sub->add_option("--location", in.location, "Location (one of assets.locations when the policy lists them)");
    sub->add_option("--address", in.address, "Host name or IP address");
    sub->add_option("--purchased", in.purchased, "Purchase date YYYY-MM-DD");
    sub->add_option("--warranty-until", in.warranty_until, "Last day of the warranty YYYY-MM-DD");
    sub->add_option("--parent", in.parent, "Tag of the asset this one sits in");
    sub->add_option("--set", in.set, "Custom field of the class, key=value (repeatable)")->allow_extra_args(false);
    if (with_status) {
        sub->add_option("--status", in.status, "in_stock, in_use or maintenance");
    }
}

void run_asset_add(const AssetAddOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections, "asset.create");
    const auto a = asset::add_asset(ctx, opt.cls, opt.tag, opt.input);
    std::cout << a.tag << '\n';
}

void run_asset_list(const AssetListOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections);
    auto query = opt.query;
    query.with_fields = false; // the table shows only the built-in columns
    g.print(asset_table(ctx, asset::list_assets(ctx, query)));
}

void run_asset_show(const AssetShowOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections);
    const auto detail = asset::asset_detail(ctx, opt.tag, opt.history);
    const auto& a = detail.asset;
    const auto& history = detail.maintenance;
    const auto& children = detail.children;
    const auto* cls = ctx.policy.assets.find_class(a.cls);
    core::Date on = ctx.zone().date_of(ctx.now);
    if (!opt.on.empty()) {
        const auto day = core::parse_date_option(opt.on, ctx.zone(), ctx.now, core::Bound::end);
        if (!day) {
            throw UsageError(fmt::format("bad day '{}' for --on", opt.on), "write YYYY-MM-DD, today, last month, ...");
        }
        on = *day;
    }

    output::Record r;
    r.add("tag", "Tag", a.tag);
    r.add("class", "Class", class_label(ctx, a.cls));
    r.add("name", "Name", a.name);
    r.add("status", "Status", a.status);
    r.add("owner", "Owner", text_cell(person_label(ctx, a.owner)));
    r.add("location", "Location", text_cell(a.location));
    r.add("model", "Model", text_cell(a.model));
    r.add("serial", "Serial", text_cell(a.serial));
    r.add("address", "Address", text_cell(a.address));
    r.add("purchased", "Purchased", text_cell(a.purchased));
    r.add("warranty_until", "Warranty until", text_cell(a.warranty_until));
    r.add("parent", "Parent", text_cell(a.parent));
    const bool out = !detail.custody.empty() && !detail.custody.front().in_at;
    r.add("held_by", "Held by", out ? output::Cell(detail.custody.front().holder) : output::Cell::null());
    r.add("due_back", "Due back", out ? day_ending_cell(ctx, detail.custody.front().due_at) : output::Cell::null());
    r.add("children", "Contains", text_cell(util::join(children, ", ")));
    if (const auto& la = detail.last_audit) {
        r.add("last_audit", "Last stock-take",
              fmt::format("{} {} #{} {}", core::format_date(ctx.zone().date_of(la->at)), la->state, la->audit_id,
                          la->location));
    } else {
        r.add("last_audit", "Last stock-take", output::Cell::null());
    }
    if (cls) {
        for (const auto& f : cls->fields) {
            auto it = a.fields.find(f.key);
            r.add(f.key, f.label, it == a.fields.end() ? output::Cell::null() : output::Cell(it->second));
        }
    }
    for (const auto& [k, v] : a.fields) {
        if (!cls || !cls->field(k)) {
            r.add(k, k, v); // a field the policy no longer defines: still shown
        }
    }
    if (!a.retire_reason.empty()) {
        r.add("retire_reason", "Retired because", a.retire_reason);
    }
    if (cls && cls->depreciation) {
        const auto bv = asset::book_value(ctx, a, on);
        r.add("book_value", "Book value", bv ? output::Cell(util::format_cents(bv->value)) : output::Cell::null());
        r.add("book_value_on", "Book value on", core::format_date(on));
        r.add("residual_value", "Residual value", bv ? output::Cell(util::format_cents(bv->residual)) : output::Cell::null());
        r.add("written_down", "Written down", bv ? output::Cell(core::format_date(bv->written_down)) : output::Cell::null());
    }
    r.add("created_at", "Created", time_cell(ctx, a.created_at));
    r.add("updated_at", "Updated", time_cell(ctx, a.updated_at));
    r.add("retired_at", "Retired", time_cell(ctx, a.retired_at));
    r.add("disposed_at", "Disposed", time_cell(ctx, a.disposed_at));

    const auto mt = maintenance_table(ctx, history, false);
    output::Table ct;
    ct.add_column("holder", "Held by")
        .add_column("out", "Out")
        .add_column("due", "Due back")
        .add_column("in", "Back")
        .add_column("note", "Note");
    for (const auto& c : detail.custody) {
        const std::string note = c.in_note.empty() ? c.note : c.note.empty() ? c.in_note : c.note + " / " + c.in_note;
        ct.add_row({c.holder, time_cell(ctx, c.out_at), day_ending_cell(ctx, c.due_at), time_cell(ctx, c.in_at), text_cell(note)});
    }
    output::Table tt;
    tt.add_column("id", "Ticket")
        .add_column("type", "Type")
        .add_column("priority", "Priority")
        .add_column("status", "Status")
        .add_column("title", "Title")
        .add_column("assignee", "Assignee")
        .add_column("created", "Created");
    const auto tickets = ticket::tickets_for_asset(ctx, a.tag, static_cast<int>(opt.tickets));
    for (const auto& t : tickets) {
        tt.add_row({output::Cell::integer(t.id), t.type, t.priority, t.status, t.title, text_cell(t.assignee),
                    output::time_cell(t.created_at, ctx.zone())});
    }
    if (g.format == "json" && !g.quiet) {
        // One document: the record, with the history as an array.
        std::ostringstream rec;
        auto ro = g.render_options();
        output::render_record(r, ro, rec);
        std::ostringstream hist;
        ro.columns.clear();
        output::render(mt, ro, hist);
        auto doc = nlohmann::json::parse(rec.str());
        doc["maintenance"] = nlohmann::json::parse(hist.str());
        std::ostringstream tix;
        output::render(tt, ro, tix);
        doc["tickets"] = nlohmann::json::parse(tix.str());
        std::ostringstream cus;
        output::render(ct, ro, cus);
        doc["custody"] = nlohmann::json::parse(cus.str());
        std::cout << doc.dump(2) << '\n';
        return;
    }
    g.print(r);
    if (g.quiet || (g.format != "table" && g.format != "md")) {
        return;
    }
    std::cout << "\nMaintenance (latest " << opt.history << "):\n";
    if (history.empty()) {
        std::cout << "  none recorded\n";
    } else {
        auto ro = g.render_options();
        ro.columns.clear();
        output::render(mt, ro, std::cout);
    }
    if (!detail.custody.empty()) {
        std::cout << "\nCustody (latest " << opt.history << "):\n";
        auto ro = g.render_options();
        ro.columns.clear();
        output::render(ct, ro, std::cout);
    }
    std::cout << "\nTickets (latest " << opt.tickets << "):\n";
    if (tickets.empty()) {
        std::cout << "  none\n";
    } else {
        auto ro = g.render_options();
        ro.columns.clear();
        output::render(tt, ro, std::cout);
    }
}


void run_asset_update(const AssetUpdateOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections, "asset.update");
    const auto changes = asset::update_asset(ctx, opt.tag, opt.input);
    output::Table t;
    t.add_column("field", "Field").add_column("before", "Before").add_column("after", "After");
    for (const auto& c : changes) {
        t.add_row({c.field, text_cell(c.before), text_cell(c.after)});
    }
    if (changes.empty() && !g.quiet && g.format == "table") {
        std::cerr << fmt::format("asset '{}' is unchanged\n", opt.tag);
        return;
    }
    g.print(t);
}

void run_asset_retire(const AssetRetireOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections | policy::section::k_notify, "asset.retire");
    const auto a = asset::retire_asset(ctx, opt.tag, opt.reason);
    if (!g.quiet) {
        std::cout << fmt::format("{} retired\n", a.tag);
    }
}

void run_asset_dispose(const AssetDisposeOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections, "asset.dispose");
    const auto a = asset::dispose_asset(ctx, opt.tag);
    if (!g.quiet) {
        std::cout << fmt::format("{} disposed\n", a.tag);
    }
}

void run_asset_transfer(const AssetTransferOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections | policy::section::k_notify, "asset.transfer");
    const auto moved = asset::transfer_assets(ctx, opt.from, opt.to, opt.cls, opt.dry_run);
    output::Table t;
    t.add_column("tag", "Tag").add_column("class", "Class").add_column("name", "Name").add_column("from", "From").add_column("to", "To");
    for (const auto& m : moved) {
        t.add_row({m.tag, m.cls, m.name, m.from, m.to});
    }
    g.print(t);
    if (!g.quiet) {
        std::cerr << fmt::format("{} {} asset{} from '{}' to '{}'\n", opt.dry_run ? "would move" : "moved", moved.size(),
                                 moved.size() == 1 ? "" : "s", opt.from, opt.to);
    }
}

void run_asset_maint_add(const AssetMaintAddOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections, "asset.maintain");
    asset::MaintenanceInput in;
    in.tag = opt.tag;
    in.kind = opt.kind;
    in.note = opt.note;
    in.result = opt.result;
    in.cost = opt.cost;
    if (!opt.spent.empty()) {
        const auto d = core::parse_duration_or_throw(opt.spent, "--spent");
        if (d.months != 0) {
            throw UsageError("--spent takes minutes, hours or days, not months");
        }
        in.spent_secs = d.seconds + d.days * 86400;
    }
    if (!opt.at.empty()) {
        in.at = core::parse_time_option(opt.at, ctx.zone(), ctx.now, core::Bound::start, "--at");
    }
    const auto row = asset::add_maintenance(ctx, in);
    std::cout << row.id << '\n';
}

void run_asset_maint_list(const AssetMaintListOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections);
    asset::MaintenanceFilter f;
    f.tag = opt.tag;
    f.kind = opt.kind;
    f.limit = opt.limit;
    if (!opt.since.empty()) {
        f.since = core::parse_time_option(opt.since, ctx.zone(), ctx.now, core::Bound::start, "--since");
    }
    g.print(maintenance_table(ctx, asset::list_maintenance(ctx, f), true));
}

void run_asset_checkout(const AssetCheckoutOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections, "asset.update");
    asset::CheckoutInput in;
    in.tag = opt.tag;
    in.person = opt.to;
    in.location = opt.location;
    in.note = opt.note;
    if (!opt.due.empty()) {
        // A length of loan ("7d", "2w", "1mo") counts from today; else a day ("2026-10-16",
        // "this week": its last day).
        if (const auto d = core::parse_duration(opt.due)) {
            in.due = ctx.zone().date_of(core::add_calendar(ctx.now, *d, ctx.zone()));
        } else {
            in.due = core::parse_date_option(opt.due, ctx.zone(), ctx.now, core::Bound::end);
        }
        if (!in.due) {
            throw UsageError(fmt::format("--due '{}' is neither a day nor a length of loan", opt.due),
                             "give YYYY-MM-DD, 'this week', or e.g. 7d, 2w, 1mo");
        }
    }
    const auto row = asset::checkout(ctx, in);
    if (!g.quiet) {
        std::cout << fmt::format("checked out {} to {}{}\n", row.tag, row.holder,
                                 row.due_at ? ", back by " + day_ending(ctx, *row.due_at)
                                            : std::string());
    }
}

void run_asset_checkin(const AssetCheckinOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections, "asset.update");
    const auto row = asset::checkin(ctx, opt.tag, opt.note);
    if (!g.quiet) {
        const bool late = row.due_at && *row.in_at > *row.due_at;
        std::cout << fmt::format("checked in {} from {}{}\n", row.tag, row.holder,
                                 late ? ", " + core::format_seconds(*row.in_at - *row.due_at) + " late" : std::string());
    }
}

// A first argument of digits only names the stock-take; the rest are tags.
std::optional<std::int64_t> take_audit_number(std::vector<std::string>& args, std::optional<std::int64_t> given) {
    if (given || args.empty() || args.front().empty() || args.front().size() > 18 ||
        !std::all_of(args.front().begin(), args.front().end(), [](unsigned char c) { return std::isdigit(c); })) {
        return given;
    }
    const std::int64_t id = std::stoll(args.front());
    args.erase(args.begin());
    return id;
}

output::Table audit_table(const Context& ctx, const std::vector<asset::Audit>& rows) {
    output::Table t;
    t.add_column("id", "Id")
        .add_column("location", "Location")
        .add_column("status", "Status")
        .add_column("started", "Started")
        .add_column("started_by", "By")
        .add_column("finished", "Finished")
        .add_column("seen", "Seen")
        .add_column("found", "Found")
        .add_column("missing", "Missing")
        .add_column("unexpected", "Unexpected");
    for (const auto& a : rows) {
        const bool done = a.status == "finished";
        t.add_row({output::Cell::integer(a.id), a.location, a.status, time_cell(ctx, a.started_at), a.started_by,
                   time_cell(ctx, a.finished_at), output::Cell::integer(a.seen),
                   done ? output::Cell::integer(a.found) : output::Cell::null(),
                   done ? output::Cell::integer(a.missing) : output::Cell::null(),
                   done ? output::Cell::integer(a.unexpected) : output::Cell::null()});
    }
    return t;
}

// Where the register has a tag: its location, "(none)" for none, "(not registered)".
output::Cell registered_cell(const asset::AuditItem& i) {
    if (!i.registered) {
        return output::Cell("(not registered)");
    }
    return i.registered->empty() ? output::Cell("(none)") : output::Cell(*i.registered);
}

output::Table audit_items_table(const Context& ctx, const std::vector<asset::AuditItem>& items, bool only_findings) {
    output::Table t;
    t.add_column("tag", "Tag")
        .add_column("result", "Result")
        .add_column("class", "Class")
        .add_column("name", "Name")
        .add_column("owner", "Owner")
        .add_column("registered", "Registered at")
        .add_column("holder", "Held by")
        .add_column("scans", "Scans")
        .add_column("first_scan", "First scan");
    for (const auto& i : items) {
        if (only_findings && (i.state == "found" || i.state == "seen")) {
            continue;
        }
        t.add_row({i.tag, i.state, text_cell(i.cls), text_cell(i.name), text_cell(i.owner), registered_cell(i),
                   text_cell(i.holder), output::Cell::integer(i.scans), time_cell(ctx, i.first_at)});
    }
    return t;
}

void run_asset_audit_start(const AssetAuditStartOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections, "asset.audit");
    const auto a = asset::start_audit(ctx, opt.location);
    if (g.quiet) {
        std::cout << a.id << '\n';
        return;
    }
    std::cout << fmt::format("stock-take {} started at {}\n", a.id, a.location);
}

void run_asset_audit_scan(const AssetAuditScanOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections, "asset.audit");
    auto args = opt.args;
    const auto number = take_audit_number(args, opt.audit);
    const auto audit = asset::resolve_audit(ctx, number, opt.location, true);
    // Tags as arguments, and standard input when none is given or one is "-" (a scanner
    // typing into the terminal ends with Ctrl-D).
    std::vector<std::string> tags;
    const bool from_stdin = args.empty() || std::find(args.begin(), args.end(), "-") != args.end();
    for (const auto& a : args) {
        if (a == "-") {
            auto read = asset::read_scanned_tags(std::cin, "stdin");
            tags.insert(tags.end(), read.begin(), read.end());
            continue;
        }
        std::istringstream one(a);
        auto read = asset::read_scanned_tags(one, fmt::format("argument '{}'", a));
        tags.insert(tags.end(), read.begin(), read.end());
    }
    if (args.empty()) {
        tags = asset::read_scanned_tags(std::cin, "stdin");
    }
    const auto r = asset::scan_tags(ctx, audit.id, tags);
    if (g.quiet) {
        return;
    }
    for (const auto& u : r.unknown) {
        std::cerr << fmt::format("opsctl: note: tag '{}' is not in the register (recorded as unexpected)\n", u);
    }
    std::cout << fmt::format("stock-take {} at {}: {} scan{}{}, {} new, {} tag{} seen so far\n", r.audit.id,
                             r.audit.location, r.scans, r.scans == 1 ? "" : "s", from_stdin ? " read" : "", r.fresh,
                             r.audit.seen, r.audit.seen == 1 ? "" : "s");
}

void run_asset_audit_finish(const AssetAuditPickOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections, "asset.audit");
    auto args = opt.args;
    const auto number = take_audit_number(args, opt.audit);
    if (!args.empty()) {
        throw UsageError(fmt::format("unexpected argument '{}'", args.front()), "give the stock-take's number only");
    }
    const auto picked = asset::resolve_audit(ctx, number, opt.location, true);
    const auto r = asset::finish_audit(ctx, picked.id);
    g.print(audit_items_table(ctx, r.items, true));
    if (!g.quiet) {
        std::cerr << fmt::format("stock-take {} at {} finished: {} found, {} missing, {} unexpected\n", r.audit.id,
                                 r.audit.location, r.audit.found, r.audit.missing, r.audit.unexpected);
    }
}

void run_asset_audit_show(const AssetAuditPickOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections);
    auto args = opt.args;
    const auto number = take_audit_number(args, opt.audit);
    if (!args.empty()) {
        throw UsageError(fmt::format("unexpected argument '{}'", args.front()), "give the stock-take's number only");
    }
    std::optional<std::int64_t> id = number;
    if (!id && !opt.location.empty()) {
        // A place's stock-take: the open one, else its newest.
        const auto at = asset::list_audits(ctx, false, opt.location, 1);
        if (at.empty()) {
            throw NotFound(fmt::format("no stock-take at '{}'", opt.location));
        }
        id = at.front().id;
    }
    const auto r = asset::audit_report(ctx, asset::resolve_audit(ctx, id, "", false).id);
    const auto& a = r.audit;
    output::Record rec;
    rec.add("id", "Stock-take", output::Cell::integer(a.id));
    rec.add("location", "Location", a.location);
    rec.add("status", "Status", a.status);
    rec.add("started", "Started", time_cell(ctx, a.started_at));
    rec.add("started_by", "Started by", a.started_by);
    rec.add("finished", "Finished", time_cell(ctx, a.finished_at));
    rec.add("finished_by", "Finished by", text_cell(a.finished_by));
    rec.add("seen", "Seen", output::Cell::integer(a.seen));
    const bool done = a.status == "finished";
    rec.add("found", "Found", done ? output::Cell::integer(a.found) : output::Cell::null());
    rec.add("missing", "Missing", done ? output::Cell::integer(a.missing) : output::Cell::null());
    rec.add("unexpected", "Unexpected", done ? output::Cell::integer(a.unexpected) : output::Cell::null());
    const auto items = audit_items_table(ctx, r.items, false);
    if (g.format == "json" && !g.quiet) {
        std::ostringstream one;
        auto ro = g.render_options();
        output::render_record(rec, ro, one);
        ro.columns.clear();
        std::ostringstream list;
        output::render(items, ro, list);
        auto doc = nlohmann::json::parse(one.str());
        doc["items"] = nlohmann::json::parse(list.str());
        std::cout << doc.dump(2) << '\n';
        return;
    }
    if (g.quiet || (g.format != "table" && g.format != "md")) {
        // Machine formats: the tags, one row each.
        g.print(items);
        return;
    }
    g.print(rec);
    std::cout << "\nTags:\n";
    if (r.items.empty()) {
        std::cout << "  none scanned yet\n";
    } else {
        auto ro = g.render_options();
        ro.columns.clear();
        output::render(items, ro, std::cout);
    }
}

void run_asset_audit_list(const AssetAuditListOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections);
    g.print(audit_table(ctx, asset::list_audits(ctx, opt.open, opt.location, opt.limit)));
}

void run_asset_due(const AssetDueOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections);
    const auto within = core::parse_duration_or_throw(opt.within, "--within");
    const auto items = asset::due_items(ctx, within);
    output::Table t;
    t.add_column("tag", "Tag")
        .add_column("class", "Class")
        .add_column("name", "Name")
        .add_column("owner", "Owner")
        .add_column("what", "Due")
        .add_column("due", "When")
        .add_column("last", "Last done")
        .add_column("state", "State")
        .add_column("holder", "Held by");
    int overdue = 0;
    for (const auto& i : items) {
        const bool date_only = i.what == "warranty" || i.what == "service_life" || i.what == "return";
        // A warranty's (or a return's) instant is the midnight after its last day: show that day.
        const std::int64_t shown = i.what == "warranty" || i.what == "return" ? i.due_at - 1 : i.due_at;
        t.add_row({i.tag, i.cls, i.name, text_cell(i.owner), i.what,
                   date_only ? output::Cell(core::format_time(shown, ctx.zone()).substr(0, 10))
                             : output::time_cell(shown, ctx.zone()),
                   output::time_cell(i.last_at, ctx.zone()),
                   i.overdue ? "overdue" : (i.what == "warranty" ? "ending" : "due"), text_cell(i.holder)});
        overdue += i.overdue ? 1 : 0;
    }
    g.print(t);
    if (overdue > 0) {
        throw Failure(fmt::format("{} item{} overdue", overdue, overdue == 1 ? " is" : "s are"));
    }
}

void run_asset_export(const AssetExportOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections);
    const auto table = asset::export_assets(ctx, opt.cls);
    auto ro = g.render_options();
    // The export is always CSV with every column: it is the import's input. --format excel
    // asks for the spreadsheet form, which the import reads too.
    ro.format = ro.format == output::Format::excel ? output::Format::excel : output::Format::csv;
    ro.columns.clear();
    ro.header = true;
    ro.color = false;
    if (opt.output.empty() || opt.output == "-") {
        output::render(table, ro, std::cout);
        return;
    }
    util::write_file_atomic(opt.output, asset::k_export_mode,
                            [&](std::ostream& out) { output::render(table, ro, out); });
}

void run_asset_import(const AssetImportOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections, "asset.import");
    // The import reads its input twice (tags first): a file is read from disk each time,
    // standard input is first copied to a temporary file, so that memory stays bounded.
    std::ifstream file;
    std::optional<util::SpooledInput> piped;
    std::istream* in = &file;
    if (opt.file == "-") {
        piped.emplace(std::cin);
        in = &piped->stream();
    } else {
        file.open(opt.file, std::ios::binary);
        if (!file) {
            throw NotFound(fmt::format("cannot read '{}'", opt.file));
        }
    }
    asset::ImportOptions io;
    io.dry_run = opt.dry_run;
    io.update = opt.update;
    io.key = opt.key;
    io.source = opt.file == "-" ? "stdin" : opt.file;
    io.header_map = opt.map;
    ProgressLine line(fmt::format("importing '{}'", io.source), std::chrono::seconds(1));
    io.progress = row_progress(line, opt.file);
    const auto result = asset::import_assets(ctx, *in, io);
    line.clear();
    if (opt.dry_run) {
        output::Table t;
        t.add_column("line", "Line")
            .add_column("tag", "Tag")
            .add_column("action", "Action")
            .add_column("field", "Field")
            .add_column("before", "Before")
            .add_column("after", "After");
        for (const auto& c : result.changes) {
            t.add_row({output::Cell::integer(static_cast<std::int64_t>(c.line)), c.tag, c.action, c.field,
                       text_cell(c.before), text_cell(c.after)});
        }
        g.print(t);
    }
    if (!g.quiet) {
        std::cerr << fmt::format("{}{} added, {} updated, {} unchanged\n", opt.dry_run ? "dry run, nothing written: " : "",
                                 result.added, result.updated, result.unchanged);
    }
}

void run_asset_count(const AssetCountOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections);
    const auto counts = asset::count_assets(ctx, opt.by);
    output::Table t;
    t.add_column(opt.by, opt.by == "class" ? "Class" : opt.by == "status" ? "Status" : opt.by == "owner" ? "Owner" : "Location")
        .add_column("label", "Label")
        .add_column("count", "Count");
    std::int64_t total = 0;
    for (const auto& [key, n] : counts) {
        std::string label;
        if (opt.by == "class") {
            const auto* c = ctx.policy.assets.find_class(key);
            label = c ? c->label : "";
        } else if (opt.by == "owner") {
            const auto* p = ctx.policy.person(key);
            label = p ? p->name : "";
        }
        t.add_row({key.empty() ? output::Cell("(none)") : output::Cell(key), text_cell(label), output::Cell::integer(n)});
        total += n;
    }
    if (g.format == "table" || g.format == "md") {
        t.add_row({"total", output::Cell::null(), output::Cell::integer(total)});
    }
    g.print(t);
}

} // namespace

void register_asset(CLI::App& app, Globals& g) {
    auto* group = app.add_subcommand("asset", "The asset register: devices, rooms, owners, lifecycle, maintenance");
    group->require_subcommand(1);
    group->footer("Exit status: 0 success; 1 failed (asset due: something is overdue); 64 usage; 65 bad input "
                  "data; 66 no such asset; 75 database busy; 78 bad policy. See opsctl-asset(1).");
    const VerbFilter want(g, {"add", "list", "show", "update", "retire", "dispose", "transfer",
                              "maint", "checkout", "checkin", "audit", "due", "export", "import", "count"});

    if (want("add")) {
        auto add_opt = std::make_shared<AssetAddOptions>();
        auto* add = group->add_subcommand("add", "Register an asset; prints its tag");
        add->add_option("--class", add_opt->cls, "Asset class from the policy (server, pc, meeting-room, ...)")->required();
        add->add_option("--tag", add_opt->tag, "Tag (default: the class prefix and the next number, e.g. SRV-0001)");
        add_input_options(add, add_opt->input, true);
        add->get_option("--name")->required();
        add->callback([add_opt, &g] { run_asset_add(*add_opt, g); });
    }

    if (want("list")) {
        auto list_opt = std::make_shared<AssetListOptions>();
        auto* list = group->add_subcommand("list", "List assets, filtered");
        list->add_option("--class", list_opt->query.cls, "Only this class");
        list->add_option("--status", list_opt->query.status, "Only this status");
        list->add_option("--owner", list_opt->query.owner, "Only assets of this person");
        list->add_option("--location", list_opt->query.location, "Only assets at this location");
        list->add_option("--where", list_opt->query.where, "key=value on a column or custom field (repeatable)")
            ->allow_extra_args(false);
        list->add_option("--search", list_opt->query.search, "Text in tag, name, model, serial, address, location or a field");
        list->add_option("--limit", list_opt->query.limit, "At most N assets")->check(CLI::NonNegativeNumber);
        list->callback([list_opt, &g] { run_asset_list(*list_opt, g); });
    }

    if (want("show")) {
        auto show_opt = std::make_shared<AssetShowOptions>();
        auto* show = group->add_subcommand("show", "Every field of an asset, its maintenance history and its tickets");
        show->add_option("tag", show_opt->tag, "Asset tag")->required();
        show->add_option("--history", show_opt->history, "How many maintenance records to show (default 20)")
            ->check(CLI::NonNegativeNumber);
        show->add_option("--on", show_opt->on, "The day of the book value (default: today)");
        show->add_option("--tickets", show_opt->tickets, "How many tickets naming the asset to show (default 10)")
            ->check(CLI::NonNegativeNumber);
        show->callback([show_opt, &g] { run_asset_show(*show_opt, g); });
    }

    if (want("update")) {
        auto update_opt = std::make_shared<AssetUpdateOptions>();
        auto* update = group->add_subcommand("update", "Change an asset's fields; prints what changed");
        update->add_option("tag", update_opt->tag, "Asset tag")->required();
        add_input_options(update, update_opt->input, true);
        update->add_option("--unset", update_opt->input.unset, "Clear a custom field (repeatable)")->allow_extra_args(false);
        update->callback([update_opt, &g] { run_asset_update(*update_opt, g); });
    }

    if (want("retire")) {
        auto retire_opt = std::make_shared<AssetRetireOptions>();
        auto* retire = group->add_subcommand("retire", "Retire an asset (service life reached, beyond repair)");
        retire->add_option("tag", retire_opt->tag, "Asset tag")->required();
        retire->add_option("--reason", retire_opt->reason, "Why it is retired")->required();
        retire->callback([retire_opt, &g] { run_asset_retire(*retire_opt, g); });
    }

    if (want("dispose")) {
        auto dispose_opt = std::make_shared<AssetDisposeOptions>();
        auto* dispose = group->add_subcommand("dispose", "Mark a retired asset as disposed of");
        dispose->add_option("tag", dispose_opt->tag, "Asset tag")->required();
        dispose->callback([dispose_opt, &g] { run_asset_dispose(*dispose_opt, g); });
    }

    if (want("transfer")) {
        auto transfer_opt = std::make_shared<AssetTransferOptions>();
        auto* transfer = group->add_subcommand("transfer", "Hand every asset of one person to another (leaving, new post)");
        transfer->add_option("--from", transfer_opt->from, "Current owner")->required();
        transfer->add_option("--to", transfer_opt->to, "New owner (a person in the policy)")->required();
        transfer->add_option("--class", transfer_opt->cls, "Only assets of this class");
        transfer->add_flag("--dry-run", transfer_opt->dry_run, "Only list what would move");
        transfer->callback([transfer_opt, &g] { run_asset_transfer(*transfer_opt, g); });
    }

    if (want("maint")) {
        auto* maint = group->add_subcommand("maint", "Maintenance records (checks, cleaning, repairs)");
        maint->require_subcommand(1);
        auto madd_opt = std::make_shared<AssetMaintAddOptions>();
        auto* madd = maint->add_subcommand("add", "Record maintenance done on an asset; prints the record id");
        madd->add_option("tag", madd_opt->tag, "Asset tag")->required();
        madd->add_option("--kind", madd_opt->kind, "check, clean, repair, upgrade or other")->required();
        madd->add_option("--note", madd_opt->note, "What was done")->required();
        madd->add_option("--result", madd_opt->result, "The outcome");
        madd->add_option("--spent", madd_opt->spent, "Time spent, e.g. 30m, 1h30m");
        madd->add_option("--cost", madd_opt->cost, "Cost")->check(CLI::NonNegativeNumber);
        madd->add_option("--at", madd_opt->at, "When it was done (default: now)");
        madd->callback([madd_opt, &g] { run_asset_maint_add(*madd_opt, g); });
        auto mlist_opt = std::make_shared<AssetMaintListOptions>();
        auto* mlist = maint->add_subcommand("list", "Maintenance records, newest first");
        mlist->add_option("tag", mlist_opt->tag, "Only this asset");
        mlist->add_option("--since", mlist_opt->since, "Only records at or after this date or time");
        mlist->add_option("--kind", mlist_opt->kind, "Only this kind");
        mlist->add_option("--limit", mlist_opt->limit, "At most N records")->check(CLI::NonNegativeNumber);
        mlist->callback([mlist_opt, &g] { run_asset_maint_list(*mlist_opt, g); });
    }

    if (want("checkout")) {
        auto o = std::make_shared<AssetCheckoutOptions>();
        auto* sub = group->add_subcommand("checkout", "Lend an asset to a person or a place, with a return day");
        sub->add_option("tag", o->tag, "Asset tag")->required();
        auto* to = sub->add_option("--to", o->to, "The person who takes it (id or name)");
        sub->add_option("--location", o->location, "Or the place it goes to")->excludes(to);
        sub->add_option("--due", o->due, "The day it is to be back (YYYY-MM-DD, 'this week'), or for how long (7d, 2w)");
        sub->add_option("--note", o->note, "Why, or what goes with it");
        sub->callback([o, &g] { run_asset_checkout(*o, g); });
    }

    if (want("checkin")) {
        auto o = std::make_shared<AssetCheckinOptions>();
        auto* sub = group->add_subcommand("checkin", "Take a lent asset back");
        sub->add_option("tag", o->tag, "Asset tag")->required();
        sub->add_option("--note", o->note, "Its state on return");
        sub->callback([o, &g] { run_asset_checkin(*o, g); });
    }

    if (want("audit")) {
        auto* audit = group->add_subcommand("audit", "Stock-takes: count the assets at a place against the register");
        audit->require_subcommand(1);
        auto so = std::make_shared<AssetAuditStartOptions>();
        auto* start = audit->add_subcommand("start", "Open a stock-take at a place (one open per place)");
        start->add_option("--location", so->location, "The place counted")->required();
        start->callback([so, &g] { run_asset_audit_start(*so, g); });

        auto sc = std::make_shared<AssetAuditScanOptions>();
        auto* scan = audit->add_subcommand("scan", "Record tags seen: arguments, or one a line on stdin (a barcode scanner)");
        scan->add_option("args", sc->args, "[AUDIT] TAG... (no tag, or '-': read standard input)");
        scan->add_option("--audit", sc->audit, "The stock-take's number (default: the open one)");
        scan->add_option("--location", sc->location, "The open stock-take of this place");
        scan->callback([sc, &g] { run_asset_audit_scan(*sc, g); });

        auto fo = std::make_shared<AssetAuditPickOptions>();
        auto* finish = audit->add_subcommand("finish", "Compare with the register, list missing and unexpected assets, close it");
        finish->add_option("args", fo->args, "AUDIT: the stock-take's number (default: the open one)");
        finish->add_option("--audit", fo->audit, "The stock-take's number");
        finish->add_option("--location", fo->location, "The open stock-take of this place");
        finish->callback([fo, &g] { run_asset_audit_finish(*fo, g); });

        auto lo = std::make_shared<AssetAuditListOptions>();
        auto* list = audit->add_subcommand("list", "Stock-takes, newest first");
        list->add_option("--location", lo->location, "Only this place");
        list->add_flag("--open", lo->open, "Only those still open");
        list->add_option("--limit", lo->limit, "At most N")->check(CLI::NonNegativeNumber);
        list->callback([lo, &g] { run_asset_audit_list(*lo, g); });

        auto wo = std::make_shared<AssetAuditPickOptions>();
        auto* show = audit->add_subcommand("show", "A stock-take and every tag it counted");
        show->add_option("args", wo->args, "AUDIT: the stock-take's number (default: the open one)");
        show->add_option("--audit", wo->audit, "The stock-take's number");
        show->add_option("--location", wo->location, "The place's open or newest stock-take");
        show->callback([wo, &g] { run_asset_audit_show(*wo, g); });
    }

    if (want("due")) {
        auto due_opt = std::make_shared<AssetDueOptions>();
        auto* due = group->add_subcommand("due", "Maintenance and stock-takes due, warranties ending, service life reached, returns (exit 1 when overdue)");
        due->add_option("--within", due_opt->within, "How far ahead to look (default 30d)");
        due->callback([due_opt, &g] { run_asset_due(*due_opt, g); });
    }

    if (want("export")) {
        auto export_opt = std::make_shared<AssetExportOptions>();
        auto* exp =
            group->add_subcommand("export", "Write the register as CSV (custom fields as extra "
                                            "columns; --format excel: for a spreadsheet)");
        exp->add_option("--class", export_opt->cls, "Only this class");
        exp->add_option("-o,--output", export_opt->output,
                        "Write to FILE (mode 0600, replaced atomically) instead of stdout");
        exp->callback([export_opt, &g] { run_asset_export(*export_opt, g); });
    }

    if (want("import")) {
        auto import_opt = std::make_shared<AssetImportOptions>();
        auto* imp = group->add_subcommand("import", "Read assets from CSV; every row is checked before anything is written");
        imp->add_option("file", import_opt->file, "CSV file, or - for stdin")->required();
        imp->add_flag("--dry-run", import_opt->dry_run, "Only check, and print what would be added or changed");
        imp->add_flag("--update", import_opt->update, "Update assets that exist instead of refusing them");
        imp->add_option("--key", import_opt->key, "Match existing assets on tag or serial (default tag)")
            ->check(CLI::IsMember({"tag", "serial"}));
        imp->add_option("--map", import_opt->map, "Header LABEL=column, e.g. 名称=name (repeatable)")
            ->allow_extra_args(false);
        imp->callback([import_opt, &g] { run_asset_import(*import_opt, g); });
    }

    if (want("count")) {
        auto count_opt = std::make_shared<AssetCountOptions>();
        auto* count = group->add_subcommand("count", "How many assets per class, status, owner or location");
        count->add_option("--by", count_opt->by, "class, status, owner or location (default class)")
            ->check(CLI::IsMember({"class", "status", "owner", "location"}));
        count->callback([count_opt, &g] { run_asset_count(*count_opt, g); });
    }
}

} // namespace opsctl::cmd
