#include "lib/ticket/transfer.hpp"

#include "lib/asset/service.hpp"
#include "lib/context/audit.hpp"
#include "lib/core/error.hpp"
#include "lib/core/limits.hpp"
#include "lib/core/sheet_date.hpp"
#include "lib/core/time.hpp"
#include "lib/policy/labels.hpp"
#include "lib/policy/lookup.hpp"
#include "lib/store/ticket_repo.hpp"
#include "lib/ticket/service.hpp"
#include "lib/util/csv.hpp"
#include "lib/util/header_map.hpp"
#include "lib/util/json_text.hpp"
#include "lib/util/key_set.hpp"
#include "lib/util/pipe.hpp"
#include "lib/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <exception>
#include <limits>
#include <optional>
#include <set>
#include <thread>
#include <unordered_set>

namespace opsctl::ticket {

namespace {

std::string time_text(const std::optional<std::int64_t>& t, const core::Zone& zone) {
    return t ? core::format_time(*t, zone) : std::string{};
}

std::string int_text(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : std::string{}; }

std::optional<std::int64_t> parse_int(const std::string& s) {
    std::int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size()) {
        return std::nullopt;
    }
    return v;
}

} // namespace

const std::vector<std::string>& export_columns() {
    static const std::vector<std::string> k_cols = {
        "id",           "type",          "priority",      "status",       "is_open",
        "title",        "body",          "team",          "assignee",     "asset",
        "reporter",     "source",        "resolution",    "created_at",   "updated_at",
        "responded_at", "resolved_at",   "closed_at",     "satisfaction", "complaint_type",
        "spent_secs",   "sla_rule",      "sla_clock",     "response_target_secs", "resolution_target_secs",
        "response_due_at", "resolution_due_at", "response_business_secs", "resolution_business_secs",
        "response_breached", "resolution_breached", "paused_wall_secs"};
    return k_cols;
}

std::int64_t export_tickets(Context& ctx, std::ostream& out, output::Format form) {
    const auto& cols = export_columns();
    if (form == output::Format::excel) {
        out << output::k_utf8_bom;
    }
    for (std::size_t i = 0; i < cols.size(); ++i) {
        out << (i ? "," : "") << cols[i];
    }
    out << "\r\n";
    const auto& zone = ctx.zone();
    std::int64_t n = 0;
    store::each_ticket(ctx.db, [&](const store::TicketRow& r) {
        const std::vector<std::string> v = {
            std::to_string(r.id), r.type, r.priority, r.status, r.is_open ? "1" : "0", r.title, r.body,
            r.team.value_or(""), r.assignee.value_or(""), r.asset.value_or(""), r.reporter.value_or(""),
            r.source.value_or(""), r.resolution.value_or(""), core::format_time(r.created_at, zone),
            core::format_time(r.updated_at, zone), time_text(r.responded_at, zone), time_text(r.resolved_at, zone),
            time_text(r.closed_at, zone), int_text(r.satisfaction), r.complaint_type.value_or(""),
            std::to_string(r.spent_secs), r.sla_rule.value_or(""), r.sla_clock.value_or(""),
            int_text(r.response_target_secs), int_text(r.resolution_target_secs), time_text(r.response_due_at, zone),
            time_text(r.resolution_due_at, zone), std::to_string(r.response_business_secs),
            std::to_string(r.resolution_business_secs), r.response_breached ? "1" : "0",
            r.resolution_breached ? "1" : "0", std::to_string(r.paused_secs)};
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (i) {
                out << ',';
            }
            out << output::csv_field(v[i], form);
        }
        out << "\r\n";
        ++n;
    });
    return n;
}

namespace {

// The columns an import reads, as indexes into a row (k_absent when the header lacks one).
enum Column : std::size_t {
    c_id, c_type, c_priority, c_status, c_title, c_body, c_team, c_assignee, c_asset, c_reporter, c_source,
    c_resolution, c_created_at, c_updated_at, c_responded_at, c_resolved_at, c_closed_at, c_satisfaction,
    c_complaint_type, c_spent_secs, c_count
};
constexpr std::size_t k_absent = static_cast<std::size_t>(-1);
constexpr std::array<const char*, c_count> k_column_names = {
    "id",           "type",        "priority",  "status",       "title",          "body",      "team",
    "assignee",     "asset",       "reporter",  "source",       "resolution",     "created_at", "updated_at",
    "responded_at", "resolved_at", "closed_at", "satisfaction", "complaint_type", "spent_secs"};

DataError csv_error(const util::CsvError& e) {
    return DataError(fmt::format("line {}: {}", e.line(), e.what()),
                     "nothing was imported; save the file as UTF-8 CSV (in Excel: CSV UTF-8) and keep each "
                     "field under 1 MiB");
}

// Rewrites a cell from a spreadsheet's form into the stored one (a display name into the
// person's id, 2023/5/6 14:30 into ISO 8601); the problem when it cannot.
std::optional<std::string> normalise_cell(const Context& ctx, Column c, std::string& cell) {
    const std::string value(util::trim(cell));
    if (value.empty()) {
        return std::nullopt;
    }
    if (c == c_assignee) {
        std::string problem;
        if (auto id = policy::person_id_by_name(ctx.policy, value, problem)) {
            cell = *id;
            return std::nullopt;
        }
        return problem;
    }
    const auto d = core::sheet_date_to_iso(value);
    if (d.kind == core::SheetDate::Kind::ambiguous) {
        return fmt::format("'{}' is day-first in some places and month-first in others; write the year first "
                           "(2023-05-06 14:30 or 2023/5/6 14:30)",
                           value);
    }
    if (d.kind == core::SheetDate::Kind::iso) {
        cell = d.iso;
    }
    return std::nullopt;
}

} // namespace

namespace {

// A row as the checking thread hands it to the writing one: checked against the policy and
// the file, with its SLA columns, event text and event hash computed. The checks that need
// the database (an id or open source already there) are left to the writing thread, which
// owns the connection.
struct CheckedRow {
    std::size_t line = 0;
    bool good = false;         // no problem found by the checking thread
    bool explicit_id = false;  // the id came from the file (else it is the one SQLite will give)
    store::TicketRow row;
    std::string fields;        // the event's fields as JSON text
    std::string hash;          // the event's hash, chained to the previous good row's
};

// A problem of one line; `order` keeps the listing in the order the checks ran.
struct Problem {
    std::size_t line = 0;
    int order = 0;
    std::string text;
};

// Rows per hand-over between the threads.
constexpr std::size_t k_batch = 256;

// More problems than this are counted, not kept: a wrong file of a million rows must neither
// fill memory nor flood the terminal.
constexpr std::size_t k_max_reported = 50;

// The problems one thread found, in line order: the first k_max_reported of them, and how many.
struct Problems {
    std::vector<Problem> kept;
    std::size_t count = 0;
    void add(Problem p) {
        ++count;
        if (kept.size() < k_max_reported) {
            kept.push_back(std::move(p));
        }
    }
};

} // namespace

ImportResult import_tickets(Context& ctx, std::istream& in, bool dry_run, const std::vector<std::string>& header_map,
                            const util::RowProgressFn& progress) {
    // Two threads: this one reads the header, then owns the database connection and writes;
    // a second one reads the file one record at a time, checks each row, computes its SLA
    // clocks, event text and hash, and hands the rows over in small batches, so that parsing
    // and checking run beside SQLite's work instead of before it. Everything is written in
    // one transaction; once any row is bad nothing more is written, the rest is only checked,
    // and the transaction is rolled back. Memory stays bounded by a few batches.
    util::CsvReader reader(in);
    util::CsvRecord rec;
    auto next = [&]() {
        try {
            return reader.next(rec);
        } catch (const util::CsvError& e) {
            throw csv_error(e);
        }
    };
    if (!next()) {
        throw DataError("the import has no header row", "export a file with 'opsctl ticket export' to see the columns");
    }
    // Header: known columns by position; unknown ones are an error, SLA outputs are skipped.
    const std::vector<std::string> header = rec.fields;
    const std::size_t header_line = rec.line;
    std::array<std::size_t, c_count> col;
    col.fill(k_absent);
    const auto& all = export_columns();
    std::set<std::string> seen;
    std::vector<std::string> header_problems;
    // Cells name columns by name, by label (标题) or through --map.
    std::vector<util::HeaderColumn> named;
    for (const auto& name : all) {
        auto& h = named.emplace_back();
        h.name = name;
        for (const auto& l : policy::builtin_column_labels("ticket")) {
            if (l.column == name) {
                h.labels.assign(l.labels.begin(), l.labels.end());
            }
        }
    }
    const auto mapping = util::map_header(header, named, header_map);
    for (const auto& p : mapping.problems) {
        header_problems.push_back(fmt::format("line {}, column {}: {}", header_line, p.column, p.message));
    }
    for (std::size_t i = 0; i < header.size(); ++i) {
        const std::string& name = mapping.names[i];
        if (name.empty()) {
            continue;
        }
        seen.insert(name);
        for (std::size_t c = 0; c < c_count; ++c) {
            if (name == k_column_names[c]) {
                col[c] = i;
            }
        }
    }
    for (const char* required : {"type", "title"}) {
        if (!seen.count(required)) {
            header_problems.push_back(fmt::format("line {}: missing column '{}'", header_line, required));
        }
    }
    if (!header_problems.empty()) {
        throw DataError(fmt::format("cannot import: the header is wrong ({} problem{})", header_problems.size(),
                                    header_problems.size() == 1 ? "" : "s"),
                        fmt::format("columns: {}; or a label of one (see opsctl-ticket(1)), or --map LABEL=column",
                                    util::join(all, ", ")))
            .with_details(header_problems);
    }

    std::optional<store::WriteTransaction> tx;
    std::optional<store::TicketBulkWriter> writer;
    std::optional<store::SearchIndexBulkLoad> search_load;
    std::string first_prev_hash;
    if (!dry_run) {
        tx.emplace(ctx.db);
        // A bigger page cache for this connection: the indexes and the search index of a large
        // import are written all over, and SQLite's default 2 MiB makes it spill and re-read.
        ctx.db.set_page_cache_mib(64);
        writer.emplace(ctx.db);
        // One search-index segment for the whole import instead of one per MiB of text and
        // their merging: 30% less CPU in FTS5. Restored before commit; a rollback restores it.
        search_load.emplace(ctx.db);
        first_prev_hash = writer->last_event_hash();
    }
    // Rows without an id get the next one SQLite would give (the highest so far plus one):
    // the checking thread needs it for the event, whose hash covers it. Read inside the
    // transaction, so no other writer moves it.
    const std::int64_t max_id_before = store::max_ticket_id(ctx.db);

    // The registered asset tags, read here: the checking thread never reads the database.
    const std::vector<std::string> asset_list = asset::asset_tags(ctx);
    const std::unordered_set<std::string> asset_set(asset_list.begin(), asset_list.end());

    // The checking thread: policy and file checks, SLA, event text and hash. It reads the
    // policy, the zone and the calendar, never the database.
    Problems problems;                   // the checking thread's, read after join
    std::atomic<bool> any_bad{false};    // set by either thread: stop writing
    std::atomic<std::int64_t> checked{0};
    std::atomic<std::int64_t> written{0};
    std::exception_ptr failure;
    util::BatchPipe<CheckedRow> pipe;
    auto check_all = [&] {
        const auto& tp = ctx.policy.tickets;
        const auto& zone = ctx.zone();
        const std::string k_empty;
        // Compact sets: a million-row import stays within its memory bound.
        util::IntSet ids_in_file;  // ids the file gives
        util::IntSet auto_ids;     // ids given to rows without one
        util::KeyLines open_sources;
        std::int64_t max_id = max_id_before;
        std::optional<core::BusinessCalendar> cal;
        if (!dry_run) {
            cal.emplace(ctx.policy.business_calendar());
        }
        // The clocks are computed from the same event that is stored: one vector, reused.
        std::vector<store::Event> events{audit::event(ctx, "ticket", "imported")};
        store::Event& e = events.front();
        std::string prev_hash = first_prev_hash;
        // The event's fields as JSON text, written directly: building an nlohmann::json object
        // per row (a map node per key) and dumping it cost as much as writing the ticket.
        util::JsonObjectText fields;
        std::vector<std::string> bad;
        std::vector<CheckedRow> batch;
        batch.reserve(k_batch);
        std::int64_t rows_seen = 0; // for the progress line
        auto flush = [&] {
            if (batch.empty()) {
                return true;
            }
            const bool open = pipe.push(std::move(batch));
            batch.clear();
            batch.reserve(k_batch);
            if (progress) {
                progress({rows_seen, written.load(), util::bytes_read(in)});
            }
            return open;
        };
        while (next()) {
            bad.clear();
            ++rows_seen;
            if (rec.fields.size() != header.size()) {
                problems.add({rec.line, 0,
                                    fmt::format("line {}: {} fields where the header has {}", rec.line,
                                                rec.fields.size(), header.size())});
                any_bad = true;
                continue;
            }
            // Spreadsheet forms become stored ones: a person's name, 2023/5/6 14:30.
            bool normal = true;
            for (Column c : {c_assignee, c_created_at, c_updated_at, c_responded_at, c_resolved_at, c_closed_at}) {
                if (col[c] == k_absent) {
                    continue;
                }
                if (auto why = normalise_cell(ctx, c, rec.fields[col[c]])) {
                    problems.add({rec.line, 0,
                                        fmt::format("line {}, column {} '{}': {}", rec.line, col[c] + 1,
                                                    util::trim(header[col[c]]), *why)});
                    normal = false;
                }
            }
            if (!normal) {
                any_bad = true;
                continue;
            }
            auto get = [&](Column c) -> const std::string& {
                return col[c] == k_absent ? k_empty : rec.fields[col[c]];
            };
            auto opt = [&](Column c) -> std::optional<std::string> {
                const std::string& v = get(c);
                return v.empty() ? std::nullopt : std::optional<std::string>(v);
            };
            auto time_of = [&](Column c) -> std::optional<std::int64_t> {
                const std::string& v = get(c);
                if (v.empty()) {
                    return std::nullopt;
                }
                auto t = core::parse_time(v, zone);
                if (!t) {
                    bad.push_back(fmt::format("{} '{}' is not a time", k_column_names[c], v));
                }
                return t;
            };
            CheckedRow& out = batch.emplace_back();
            out.line = rec.line;
            store::TicketRow& row = out.row;
            if (!get(c_id).empty()) {
                const std::string& id = get(c_id);
                auto v = parse_int(id);
                if (!v || *v <= 0) {
                    bad.push_back(fmt::format("id '{}' is not a positive number", id));
                } else if (*v > core::k_max_given_id) {
                    // Numbering continues from the largest id: near INT64_MAX it would run out.
                    bad.push_back(fmt::format("id {} is larger than {}", *v, core::k_max_given_id));
                } else if (!ids_in_file.insert(*v)) {
                    bad.push_back(fmt::format("id {} appears twice in the file", *v));
                } else if (auto_ids.contains(*v)) {
                    // An earlier row without an id is given this one.
                    bad.push_back(fmt::format("ticket {} already exists", *v));
                } else {
                    // Whether it is already in the database is checked by the writing thread.
                    row.id = *v;
                    out.explicit_id = true;
                }
            }
            row.type = get(c_type);
            const auto* type = tp.type(row.type);
            if (!type) {
                bad.push_back(
                    fmt::format("no ticket type '{}' ({})", row.type, util::suggest(row.type, tp.type_names())));
            }
            row.priority = get(c_priority);
            if (row.priority.empty() && type) {
                row.priority = type->priority;
            } else if (!tp.priority(row.priority)) {
                bad.push_back(fmt::format("no priority '{}' ({})", row.priority,
                                          util::suggest(row.priority, tp.priority_names())));
            }
            const policy::Workflow* wf = type ? tp.workflow_of(row.type) : nullptr;
            row.status = get(c_status);
            if (wf) {
                if (row.status.empty()) {
                    row.status = wf->initial;
                }
                const auto* st = wf->state(row.status);
                if (!st) {
                    bad.push_back(fmt::format("no state '{}' in workflow '{}' ({})", row.status, wf->name,
                                              util::suggest(row.status, wf->state_names())));
                } else {
                    row.is_open = !st->final;
                }
            }
            row.title = get(c_title);
            if (util::trim(row.title).empty()) {
                bad.push_back("the title is empty");
            }
            row.body = get(c_body);
            row.team = opt(c_team);
            if (!row.team && type && !type->team.empty()) {
                row.team = type->team;
            }
            row.assignee = opt(c_assignee);
            if (row.assignee && !ctx.policy.person(*row.assignee)) {
                bad.push_back(fmt::format("no person '{}'", *row.assignee));
            }
            row.asset = opt(c_asset);
            if (row.asset && !asset_set.count(*row.asset)) {
                const std::string near = util::closest(*row.asset, asset_list);
                bad.push_back(fmt::format("no asset '{}' ({})", *row.asset,
                                          near.empty() ? "see 'opsctl asset list'" : "did you mean '" + near + "'?"));
            }
            row.reporter = opt(c_reporter);
            row.source = opt(c_source);
            row.resolution = opt(c_resolution);
            row.complaint_type = opt(c_complaint_type);
            row.created_at = time_of(c_created_at).value_or(ctx.now);
            row.updated_at = time_of(c_updated_at).value_or(row.created_at);
            row.responded_at = time_of(c_responded_at);
            row.resolved_at = time_of(c_resolved_at);
            row.closed_at = time_of(c_closed_at);
            // Impossible times: before 2000, more than a day ahead, or an end before the start
            // (a clock from year 1 to 9999 would run for ages, and the review would be nonsense).
            for (auto [c, t] : {std::pair{c_created_at, std::optional<std::int64_t>(row.created_at)},
                                std::pair{c_updated_at, std::optional<std::int64_t>(row.updated_at)},
                                std::pair{c_responded_at, row.responded_at}, std::pair{c_resolved_at, row.resolved_at},
                                std::pair{c_closed_at, row.closed_at}}) {
                if (!t || get(c).empty()) {
                    continue;
                }
                if (*t < core::k_earliest_time) {
                    bad.push_back(fmt::format("{} '{}' is before 2000-01-01", k_column_names[c], get(c)));
                } else if (*t > ctx.now + core::k_future_slack) {
                    bad.push_back(fmt::format("{} '{}' is more than a day in the future", k_column_names[c], get(c)));
                } else if (c != c_created_at && *t < row.created_at) {
                    bad.push_back(fmt::format("{} '{}' is before created_at", k_column_names[c], get(c)));
                }
            }
            if (row.closed_at && row.resolved_at && *row.closed_at < *row.resolved_at) {
                bad.push_back(fmt::format("closed_at '{}' is before resolved_at", get(c_closed_at)));
            }
            if (auto s = opt(c_satisfaction)) {
                auto v = parse_int(*s);
                if (!v || *v < 1 || *v > 5) {
                    bad.push_back(fmt::format("satisfaction '{}' is not 1 to 5", *s));
                } else {
                    row.satisfaction = *v;
                }
            }
            if (auto s = opt(c_spent_secs)) {
                auto v = parse_int(*s);
                if (!v || *v < 0) {
                    bad.push_back(fmt::format("spent_secs '{}' is not a number of seconds", *s));
                } else {
                    row.spent_secs = *v;
                }
            }
            if (row.source && row.is_open && open_sources.add(*row.source, rec.line) != 0) {
                bad.push_back(fmt::format("source '{}' is open twice in the file", *row.source));
                row.source.reset(); // reported; the writing thread need not look it up
            }
            for (std::size_t i = 0; i < bad.size(); ++i) {
                problems.add({rec.line, static_cast<int>(i), fmt::format("line {}: {}", rec.line, bad[i])});
            }
            out.good = bad.empty();
            if (!out.good) {
                any_bad = true;
            } else if (!dry_run && !any_bad) {
                if (!out.explicit_id) {
                    if (max_id == std::numeric_limits<std::int64_t>::max()) {
                        throw DataError(fmt::format("line {}: no ticket id is left after {}", rec.line, max_id));
                    }
                    row.id = max_id + 1;
                    auto_ids.insert(row.id);
                }
                max_id = std::max(max_id, row.id);
                e.entity_id = std::to_string(row.id);
                // The SLA clocks replay only these fields of the event (see
                // timeline_from_events); the stored text has them all.
                e.fields = {{"status", row.status}, {"created_at", row.created_at}};
                for (auto [key, value] : {std::pair{"responded_at", &row.responded_at},
                                          std::pair{"resolved_at", &row.resolved_at},
                                          std::pair{"closed_at", &row.closed_at}}) {
                    if (*value) {
                        e.fields[key] = **value;
                    }
                }
                fields.clear();
                fields.maybe_text("asset", row.asset);
                fields.maybe_text("assignee", row.assignee);
                if (!row.body.empty()) {
                    fields.text("body", row.body);
                }
                fields.number("closed_at", row.closed_at);
                fields.maybe_text("complaint_type", row.complaint_type);
                fields.number("created_at", row.created_at);
                fields.text("priority", row.priority);
                fields.maybe_text("reporter", row.reporter);
                fields.maybe_text("resolution", row.resolution);
                fields.number("resolved_at", row.resolved_at);
                fields.number("responded_at", row.responded_at);
                fields.number("satisfaction", row.satisfaction);
                fields.maybe_text("source", row.source);
                fields.text("status", row.status);
                fields.maybe_text("team", row.team);
                fields.text("title", row.title);
                fields.text("type", row.type);
                compute_sla(ctx, *cal, row, events);
                out.fields = fields.finish();
                out.hash = store::event_hash(e, prev_hash, out.fields);
                prev_hash = out.hash;
            }
            checked += out.good ? 1 : 0;
            if (batch.size() == k_batch && !flush()) {
                return;
            }
        }
        flush();
    };
    std::thread checker = pipe.start_producer([&] { check_all(); }, failure);

    // This thread: the database checks, then the writes, batch by batch in file order.
    Problems db_problems;
    store::Event e = audit::event(ctx, "ticket", "imported");
    try {
        std::vector<CheckedRow> batch;
        while (pipe.pop(batch)) {
            for (auto& r : batch) {
                auto& row = r.row;
                // Ids above the highest one before the import cannot be there; ids given to
                // earlier rows of the file were checked by the other thread.
                if (r.explicit_id && row.id <= max_id_before && store::ticket_exists(ctx.db, row.id)) {
                    db_problems.add({r.line, 100, fmt::format("line {}: ticket {} already exists", r.line, row.id)});
                    any_bad = true;
                    continue;
                }
                if (row.source && row.is_open) {
                    if (auto other = store::open_ticket_by_source(ctx.db, *row.source)) {
                        db_problems.add({r.line, 101,
                                               fmt::format("line {}: ticket {} is already open for source '{}'",
                                                           r.line, *other, *row.source)});
                        any_bad = true;
                        continue;
                    }
                }
                if (dry_run || !r.good || any_bad) {
                    continue; // checked only: a file with a bad row writes nothing
                }
                writer->add_ticket(row);
                e.entity_id = std::to_string(row.id);
                writer->add_hashed_event(e, r.fields, std::move(r.hash));
                ++written;
            }
        }
    } catch (...) {
        pipe.stop();
        checker.join();
        throw;
    }
    checker.join();
    if (failure) {
        std::rethrow_exception(failure);
    }
    const std::size_t problem_count = problems.count + db_problems.count;
    if (problem_count > 0) {
        // Each thread kept its first problems in line order: the first ones of both together
        // are among them.
        auto& all = problems.kept;
        all.insert(all.end(), db_problems.kept.begin(), db_problems.kept.end());
        std::stable_sort(all.begin(), all.end(), [](const Problem& a, const Problem& b) {
            return a.line != b.line ? a.line < b.line : a.order < b.order;
        });
        all.resize(std::min(all.size(), k_max_reported));
        std::vector<std::string> details;
        details.reserve(all.size() + 1);
        for (auto& p : all) {
            details.push_back(std::move(p.text));
        }
        if (problem_count > details.size()) {
            details.push_back(fmt::format("... and {} more problems", problem_count - details.size()));
        }
        throw DataError(fmt::format("cannot import: {} problem{} found, nothing was written", problem_count,
                                    problem_count == 1 ? "" : "s"),
                        "fix the rows listed above and import again")
            .with_details(details);
    }
    ImportResult result;
    result.rows = checked;
    if (dry_run) {
        return result;
    }
    search_load->restore();
    tx->commit();
    result.written = true;
    return result;
}

} // namespace opsctl::ticket
