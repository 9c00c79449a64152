#include "lib/ticket/transfer.hpp"

#include "lib/core/error.hpp"
#include "lib/core/time.hpp"
#include "lib/store/ticket_repo.hpp"
#include "lib/ticket/service.hpp"
#include "lib/util/text.hpp"
#include "lib/util/unicode.hpp"

#include <fmt/format.h>

#include <charconv>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

namespace opsctl::ticket {

namespace {

// Columns an import reads back; the rest of an export is SLA output, recomputed on import.
const std::set<std::string> k_input_columns = {
    "id",       "type",       "priority",   "status",       "title",        "body",      "team",
    "assignee", "asset",      "reporter",   "source",       "resolution",   "created_at", "updated_at",
    "responded_at", "resolved_at", "closed_at", "satisfaction", "complaint_type", "spent_secs"};

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

std::vector<CsvRecord> parse_csv(std::istream& in) {
    // Read through the stream buffer: the file is never held whole, so a hostile file (one
    // 100 MiB cell, NUL bytes) is refused after at most k_max_csv_field bytes of it.
    std::streambuf* sb = in.rdbuf();
    constexpr int k_eof = std::char_traits<char>::eof();
    auto peek = [&]() { return sb->sgetc(); };
    auto take = [&]() { return sb->sbumpc(); };
    std::vector<CsvRecord> out;
    int line = 1;
    auto append = [&](std::string& field, int c, int rec_line) {
        if (c == 0) {
            throw DataError(fmt::format("line {}: a field contains a NUL byte", rec_line),
                            "save the file as UTF-8 text");
        }
        if (field.size() >= k_max_csv_field) {
            throw DataError(fmt::format("line {}: a field is larger than {} KiB", rec_line, k_max_csv_field / 1024),
                            "attach large logs as files instead");
        }
        field += static_cast<char>(c);
    };
    while (peek() != k_eof) {
        CsvRecord rec;
        rec.line = line;
        std::string field;
        bool end_of_record = false;
        while (!end_of_record) {
            field.clear();
            if (peek() == '"') {
                take();
                bool closed = false;
                int c;
                while ((c = take()) != k_eof) {
                    if (c == '"') {
                        if (peek() == '"') {
                            append(field, take(), rec.line);
                        } else {
                            closed = true;
                            break;
                        }
                    } else {
                        if (c == '\n') {
                            ++line;
                        }
                        append(field, c, rec.line);
                    }
                }
                if (!closed) {
                    throw DataError(fmt::format("line {}: a quoted field is not closed", rec.line));
                }
                // Anything between the closing quote and the delimiter is kept as written.
                while ((c = peek()) != k_eof && c != ',' && c != '\n' && c != '\r') {
                    append(field, take(), rec.line);
                }
            } else {
                int c;
                while ((c = peek()) != k_eof && c != ',' && c != '\n' && c != '\r') {
                    append(field, take(), rec.line);
                }
            }
            if (!util::is_valid_utf8(field)) {
                throw DataError(fmt::format("line {}: a field is not valid UTF-8 text", rec.line),
                                "save the file as UTF-8 (in Excel: CSV UTF-8), or convert it with iconv");
            }
            rec.fields.push_back(field);
            if (peek() == ',') {
                take();
                continue;
            }
            if (peek() == '\r') {
                take();
            }
            if (peek() == '\n') {
                take();
            }
            ++line;
            end_of_record = true;
        }
        if (!(rec.fields.size() == 1 && rec.fields[0].empty())) {
            out.push_back(std::move(rec));
        }
    }
    return out;
}

std::vector<CsvRecord> parse_csv(const std::string& text) {
    std::istringstream in(text);
    return parse_csv(in);
}

ImportResult import_tickets(Context& ctx, std::istream& in, bool dry_run) {
    auto records = parse_csv(in);
    if (records.empty()) {
        throw DataError("the import has no header row", "export a file with 'opsctl ticket export' to see the columns");
    }
    // Header: known columns by position; unknown ones are an error, SLA outputs are skipped.
    const auto& header = records.front().fields;
    std::map<std::string, std::size_t> col;
    const auto& all = export_columns();
    std::vector<std::string> problems;
    for (std::size_t i = 0; i < header.size(); ++i) {
        std::string name(util::trim(header[i]));
        if (i == 0 && name.rfind("\xEF\xBB\xBF", 0) == 0) {
            name = name.substr(3); // a byte-order mark from spreadsheet programs
        }
        if (std::find(all.begin(), all.end(), name) == all.end()) {
            problems.push_back(fmt::format("line {}: unknown column '{}' ({})", records.front().line, name,
                                           util::suggest(name, all)));
            continue;
        }
        if (col.count(name)) {
            problems.push_back(fmt::format("line {}: column '{}' appears twice", records.front().line, name));
        }
        col[name] = i;
    }
    for (const char* required : {"type", "title"}) {
        if (!col.count(required)) {
            problems.push_back(fmt::format("line {}: missing column '{}'", records.front().line, required));
        }
    }
    if (!problems.empty()) {
        throw DataError(fmt::format("cannot import: the header is wrong ({} problem{})", problems.size(),
                                    problems.size() == 1 ? "" : "s"))
            .with_details(problems);
    }

    const auto& tp = ctx.policy.tickets;
    const auto& zone = ctx.zone();
    std::vector<store::TicketRow> rows;
    rows.reserve(records.size());
    std::set<std::int64_t> ids_in_file;
    std::set<std::string> open_sources;
    for (std::size_t r = 1; r < records.size(); ++r) {
        const auto& rec = records[r];
        std::vector<std::string> bad;
        if (rec.fields.size() != header.size()) {
            problems.push_back(fmt::format("line {}: {} fields where the header has {}", rec.line, rec.fields.size(),
                                           header.size()));
            continue;
        }
        auto get = [&](const char* name) -> std::string {
            auto it = col.find(name);
            return it == col.end() ? std::string{} : rec.fields[it->second];
        };
        auto opt = [&](const char* name) -> std::optional<std::string> {
            std::string v = get(name);
            return v.empty() ? std::nullopt : std::optional<std::string>(v);
        };
        auto time_of = [&](const char* name) -> std::optional<std::int64_t> {
            const std::string v = get(name);
            if (v.empty()) {
                return std::nullopt;
            }
            auto t = core::parse_time(v, zone);
            if (!t) {
                bad.push_back(fmt::format("{} '{}' is not a time", name, v));
            }
            return t;
        };
        store::TicketRow row;
        if (auto id = opt("id")) {
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
        row.type = get("type");
        const auto* type = tp.type(row.type);
        if (!type) {
            bad.push_back(fmt::format("no ticket type '{}' ({})", row.type, util::suggest(row.type, tp.type_names())));
        }
        row.priority = get("priority");
        if (row.priority.empty() && type) {
            row.priority = type->priority;
        } else if (!tp.priority(row.priority)) {
            bad.push_back(fmt::format("no priority '{}' ({})", row.priority,
                                      util::suggest(row.priority, tp.priority_names())));
        }
        const policy::Workflow* wf = type ? tp.workflow_of(row.type) : nullptr;
        row.status = get("status");
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
        row.title = get("title");
        if (util::trim(row.title).empty()) {
            bad.push_back("the title is empty");
        }
        row.body = get("body");
        row.team = opt("team");
        if (!row.team && type && !type->team.empty()) {
            row.team = type->team;
        }
        row.assignee = opt("assignee");
        if (row.assignee && !ctx.policy.person(*row.assignee)) {
            bad.push_back(fmt::format("no person '{}'", *row.assignee));
        }
        row.asset = opt("asset");
        row.reporter = opt("reporter");
        row.source = opt("source");
        row.resolution = opt("resolution");
        row.complaint_type = opt("complaint_type");
        row.created_at = time_of("created_at").value_or(ctx.now);
        row.updated_at = time_of("updated_at").value_or(row.created_at);
        row.responded_at = time_of("responded_at");
        row.resolved_at = time_of("resolved_at");
        row.closed_at = time_of("closed_at");
        if (auto s = opt("satisfaction")) {
            auto v = parse_int(*s);
            if (!v || *v < 1 || *v > 5) {
                bad.push_back(fmt::format("satisfaction '{}' is not 1 to 5", *s));
            } else {
                row.satisfaction = *v;
            }
        }
        if (auto s = opt("spent_secs")) {
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
        if (bad.empty()) {
            rows.push_back(std::move(row));
        }
    }
    if (!problems.empty()) {
        throw DataError(fmt::format("cannot import: {} problem{} found, nothing was written", problems.size(),
                                    problems.size() == 1 ? "" : "s"),
                        "fix the rows listed above and import again")
            .with_details(problems);
    }
    ImportResult result;
    result.rows = static_cast<std::int64_t>(rows.size());
    if (dry_run) {
        return result;
    }
    const auto cal = ctx.policy.business_calendar();
    store::WriteTransaction tx(ctx.db);
    store::TicketBulkWriter writer(ctx.db);
    for (auto& row : rows) {
        store::Event e;
        e.at = ctx.now;
        e.actor = ctx.actor;
        e.entity = "ticket";
        e.action = "imported";
        nlohmann::json f = {{"type", row.type}, {"priority", row.priority}, {"status", row.status},
                            {"title", row.title}, {"created_at", row.created_at}};
        if (!row.body.empty()) {
            f["body"] = row.body;
        }
        for (auto [key, value] : {std::pair{"team", &row.team}, std::pair{"assignee", &row.assignee},
                                  std::pair{"asset", &row.asset}, std::pair{"reporter", &row.reporter},
                                  std::pair{"source", &row.source}, std::pair{"resolution", &row.resolution},
                                  std::pair{"complaint_type", &row.complaint_type}}) {
            if (*value) {
                f[key] = **value;
            }
        }
        for (auto [key, value] : {std::pair{"responded_at", &row.responded_at}, std::pair{"resolved_at", &row.resolved_at},
                                  std::pair{"closed_at", &row.closed_at}, std::pair{"satisfaction", &row.satisfaction}}) {
            if (*value) {
                f[key] = **value;
            }
        }
        e.fields = std::move(f);
        // The clocks are computed from the same event that is stored, before the row is written.
        compute_sla(ctx, cal, row, {e});
        row.id = writer.add_ticket(row);
        e.entity_id = std::to_string(row.id);
        writer.add_event(e);
    }
    tx.commit();
    result.written = true;
    return result;
}

} // namespace opsctl::ticket
