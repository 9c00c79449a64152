#include "lib/ticket/transfer.hpp"

#include "lib/core/error.hpp"
#include "lib/core/time.hpp"
#include "lib/store/ticket_repo.hpp"
#include "lib/ticket/service.hpp"
#include "lib/util/csv.hpp"
#include "lib/util/json_text.hpp"
#include "lib/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <set>
#include <unordered_set>

namespace opsctl::ticket {

namespace {

void write_csv_field(std::ostream& out, const std::string& v) {
    if (v.find_first_of(",\"\r\n") == std::string::npos) {
        out << v;
        return;
    }
    out << '"';
    for (char c : v) {
        if (c == '"') {
            out << '"';
        }
        out << c;
    }
    out << '"';
}

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
        "response_breached", "resolution_breached", "paused_secs"};
    return k_cols;
}

std::int64_t export_tickets(Context& ctx, std::ostream& out) {
    const auto& cols = export_columns();
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
            write_csv_field(out, v[i]);
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

} // namespace

ImportResult import_tickets(Context& ctx, std::istream& in, bool dry_run) {
    // One record at a time: memory stays bounded by a record, not by the file. Each good row
    // is written as soon as it is checked, inside one transaction; after the first bad row
    // nothing more is written, the rest is only checked, and the transaction is rolled back.
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
    std::vector<std::string> problems;
    for (std::size_t i = 0; i < header.size(); ++i) {
        const std::string name(util::trim(header[i]));
        if (std::find(all.begin(), all.end(), name) == all.end()) {
            problems.push_back(fmt::format("line {}: unknown column '{}' ({})", header_line, name,
                                           util::suggest(name, all)));
            continue;
        }
        if (!seen.insert(name).second) {
            problems.push_back(fmt::format("line {}: column '{}' appears twice", header_line, name));
        }
        for (std::size_t c = 0; c < c_count; ++c) {
            if (name == k_column_names[c]) {
                col[c] = i;
            }
        }
    }
    for (const char* required : {"type", "title"}) {
        if (!seen.count(required)) {
            problems.push_back(fmt::format("line {}: missing column '{}'", header_line, required));
        }
    }
    if (!problems.empty()) {
        throw DataError(fmt::format("cannot import: the header is wrong ({} problem{})", problems.size(),
                                    problems.size() == 1 ? "" : "s"))
            .with_details(problems);
    }

    const auto& tp = ctx.policy.tickets;
    const auto& zone = ctx.zone();
    const std::string k_empty;
    std::unordered_set<std::int64_t> ids_in_file;
    std::unordered_set<std::string> open_sources;
    std::optional<store::WriteTransaction> tx;
    std::optional<store::TicketBulkWriter> writer;
    std::optional<store::SearchIndexBulkLoad> search_load;
    std::optional<core::BusinessCalendar> cal;
    if (!dry_run) {
        tx.emplace(ctx.db);
        // A bigger page cache for this connection: the indexes and the search index of a large
        // import are written all over, and SQLite's default 2 MiB makes it spill and re-read.
        ctx.db.sql().exec("PRAGMA cache_size = -65536");
        writer.emplace(ctx.db);
        // One search-index segment for the whole import instead of one per MiB of text and
        // their merging: 30% less CPU in FTS5. Restored before commit; a rollback restores it.
        search_load.emplace(ctx.db);
        cal.emplace(ctx.policy.business_calendar());
    }
    // The clocks are computed from the same event that is stored: one vector, reused.
    std::vector<store::Event> events(1);
    // The event's fields as JSON text, written directly: building an nlohmann::json object per
    // row (a map node per key) and dumping it cost as much as writing the ticket.
    util::JsonObjectText fields;
    ImportResult result;
    std::vector<std::string> bad;
    while (next()) {
        bad.clear();
        if (rec.fields.size() != header.size()) {
            problems.push_back(fmt::format("line {}: {} fields where the header has {}", rec.line, rec.fields.size(),
                                           header.size()));
            continue;
        }
        auto get = [&](Column c) -> const std::string& { return col[c] == k_absent ? k_empty : rec.fields[col[c]]; };
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
        store::TicketRow row;
        if (auto id = opt(c_id)) {
            auto v = parse_int(*id);
            if (!v || *v <= 0) {
                bad.push_back(fmt::format("id '{}' is not a positive number", *id));
            } else if (!ids_in_file.insert(*v).second) {
                bad.push_back(fmt::format("id {} appears twice in the file", *v));
            } else if (store::ticket_exists(ctx.db, *v)) {
                bad.push_back(fmt::format("ticket {} already exists", *v));
            } else {
                row.id = *v;
            }
        }
        row.type = get(c_type);
        const auto* type = tp.type(row.type);
        if (!type) {
            bad.push_back(fmt::format("no ticket type '{}' ({})", row.type, util::suggest(row.type, tp.type_names())));
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
        row.reporter = opt(c_reporter);
        row.source = opt(c_source);
        row.resolution = opt(c_resolution);
        row.complaint_type = opt(c_complaint_type);
        row.created_at = time_of(c_created_at).value_or(ctx.now);
        row.updated_at = time_of(c_updated_at).value_or(row.created_at);
        row.responded_at = time_of(c_responded_at);
        row.resolved_at = time_of(c_resolved_at);
        row.closed_at = time_of(c_closed_at);
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
        if (row.source && row.is_open) {
            if (!open_sources.insert(*row.source).second) {
                bad.push_back(fmt::format("source '{}' is open twice in the file", *row.source));
            } else if (auto other = store::open_ticket_by_source(ctx.db, *row.source)) {
                bad.push_back(fmt::format("ticket {} is already open for source '{}'", *other, *row.source));
            }
        }
        for (const auto& b : bad) {
            problems.push_back(fmt::format("line {}: {}", rec.line, b));
        }
        if (!bad.empty()) {
            continue;
        }
        ++result.rows;
        if (dry_run || !problems.empty()) {
            continue; // checked only: a file with a bad row writes nothing
        }
        store::Event& e = events.front();
        e.at = ctx.now;
        e.actor = ctx.actor;
        e.entity = "ticket";
        e.action = "imported";
        // The SLA clocks replay only these fields of the event (see timeline_from_events); the
        // stored text has them all.
        e.fields = {{"status", row.status}, {"created_at", row.created_at}};
        for (auto [key, value] : {std::pair{"responded_at", &row.responded_at}, std::pair{"resolved_at", &row.resolved_at},
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
        row.id = writer->add_ticket(row);
        e.entity_id = std::to_string(row.id);
        writer->add_event(e, fields.finish());
    }
    if (!problems.empty()) {
        throw DataError(fmt::format("cannot import: {} problem{} found, nothing was written", problems.size(),
                                    problems.size() == 1 ? "" : "s"),
                        "fix the rows listed above and import again")
            .with_details(problems);
    }
    if (dry_run) {
        return result;
    }
    search_load->restore();
    tx->commit();
    result.written = true;
    return result;
}

} // namespace opsctl::ticket
