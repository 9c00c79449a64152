#include "lib/asset/exchange.hpp"

#include "lib/asset/inventory.hpp"
#include "lib/context/audit.hpp"
#include "lib/core/error.hpp"
#include "lib/core/sheet_date.hpp"
#include "lib/policy/labels.hpp"
#include "lib/policy/lookup.hpp"
#include "lib/store/asset_repo.hpp"
#include "lib/util/csv.hpp"
#include "lib/util/json_text.hpp"
#include "lib/util/key_set.hpp"
#include "lib/util/pipe.hpp"
#include "lib/util/text.hpp"

#include <algorithm>
#include <atomic>
#include <fmt/format.h>
#include <functional>
#include <map>
#include <exception>
#include <set>
#include <thread>

namespace opsctl::asset {

namespace {

// More than this many bad lines are summarised: a wrong file should not flood the terminal.
constexpr std::size_t k_max_reported = 50;

bool member_of_builtin(const std::string& column) {
    const auto& b = builtin_columns();
    return std::find(b.begin(), b.end(), column) != b.end();
}

struct PlannedRow {
    std::size_t line = 0;
    bool is_new = true;
    Asset before;
    Asset after;
    std::vector<FieldChange> changes;
};

std::optional<std::int64_t> tag_number(const std::string& tag, const std::string& prefix) {
    if (tag.size() <= prefix.size() + 1 || tag.compare(0, prefix.size(), prefix) != 0 || tag[prefix.size()] != '-') {
        return std::nullopt;
    }
    std::int64_t n = 0;
    for (std::size_t i = prefix.size() + 1; i < tag.size(); ++i) {
        if (tag[i] < '0' || tag[i] > '9' || n > 1'000'000'000'000) {
            return std::nullopt;
        }
        n = n * 10 + (tag[i] - '0');
    }
    return n;
}

// Rewrites one cell of `column` from a spreadsheet's form into the stored one; the problem
// when it cannot. Cells it does not recognise are left for check_asset to judge.
std::optional<std::string> normalise_cell(const Context& ctx, const std::string& column, std::string& cell) {
    if (cell.empty()) {
        return std::nullopt;
    }
    std::string problem;
    if (column == "class") {
        if (auto id = policy::class_id_by_label(ctx.policy, cell, problem)) {
            cell = *id;
            return std::nullopt;
        }
        return problem;
    }
    if (column == "owner") {
        if (auto id = policy::person_id_by_name(ctx.policy, cell, problem)) {
            cell = *id;
            return std::nullopt;
        }
        return problem;
    }
    bool is_date = column == "purchased" || column == "warranty_until";
    if (!is_date && !member_of_builtin(column)) {
        for (const auto& cls : ctx.policy.assets.classes) {
            if (const auto* f = cls.field(column); f && f->type == policy::FieldType::date) {
                is_date = true;
                break;
            }
        }
    }
    if (is_date) {
        const auto d = core::sheet_date_to_iso(cell);
        if (d.kind == core::SheetDate::Kind::ambiguous) {
            return fmt::format("'{}' is day-first in some places and month-first in others; write the year "
                               "first (2023-05-06 or 2023/5/6)",
                               cell);
        }
        if (d.kind == core::SheetDate::Kind::iso) {
            if (d.iso.size() != 10) {
                return fmt::format("'{}' is a date and time; give the date only", cell);
            }
            cell = d.iso;
        }
    }
    return std::nullopt;
}

} // namespace

std::vector<util::HeaderColumn> import_header_columns(const Context& ctx) {
    std::vector<util::HeaderColumn> out;
    for (const auto& name : builtin_columns()) {
        util::HeaderColumn& c = out.emplace_back();
        c.name = name;
        for (const auto& l : policy::builtin_column_labels("asset")) {
            if (l.column == name) {
                c.labels.assign(l.labels.begin(), l.labels.end());
            }
        }
    }
    for (const auto& key : ctx.policy.assets.field_keys()) {
        util::HeaderColumn& c = out.emplace_back();
        c.name = key;
        for (const auto& cls : ctx.policy.assets.classes) {
            const auto* f = cls.field(key);
            if (f && f->label != key && std::find(c.labels.begin(), c.labels.end(), f->label) == c.labels.end()) {
                c.labels.push_back(f->label);
            }
        }
    }
    return out;
}

std::vector<std::string> exchange_columns(const Context& ctx) {
    std::vector<std::string> cols = builtin_columns();
    for (const auto& k : ctx.policy.assets.field_keys()) {
        cols.push_back(k);
    }
    return cols;
}

output::Table export_assets(Context& ctx, const std::string& cls) {
    if (!cls.empty()) {
        policy::require_name(ctx.policy, "asset-classes", cls);
    }
    output::Table t;
    const auto cols = exchange_columns(ctx);
    for (const auto& c : cols) {
        t.add_column(c, c);
    }
    store::each_asset_row(ctx.db, cls, [&](const store::AssetRow& a) {
        std::vector<output::Cell> row;
        row.reserve(cols.size());
        for (const auto& c : cols) {
            row.emplace_back(value_of(a, c));
        }
        t.rows.push_back(std::move(row));
    });
    return t;
}

ImportResult import_assets(Context& ctx, std::istream& in, const ImportOptions& opt) {
    if (opt.key != "tag" && opt.key != "serial") {
        throw UsageError(fmt::format("--key must be tag or serial, not '{}'", opt.key));
    }
    // Past the reported ones only the counts matter: a wrong file should not fill memory.
    // Problems come in line order (the header's, then the rows' from one thread).
    std::vector<std::string> problems;
    std::size_t problem_count = 0;
    std::size_t bad_lines = 0;
    std::size_t last_bad_line = 0;
    // `column` (1-based) when one cell is at fault: "file:line:column: message".
    auto problem = [&](std::size_t line, std::string message, std::size_t column = 0) {
        if (problem_count++ == 0 || line != last_bad_line) {
            ++bad_lines;
            last_bad_line = line;
        }
        if (problems.size() < k_max_reported) {
            problems.push_back(column == 0 ? fmt::format("{}:{}: {}", opt.source, line, message)
                                           : fmt::format("{}:{}:{}: {}", opt.source, line, column, message));
        }
    };

    // The file is read one record at a time, twice when it has a tag column (see below), so
    // memory stays bounded by a record and the set of tags, not by the file.
    util::CsvRecord rec;
    auto read_all = [&](const std::function<bool()>& each) {
        try {
            util::CsvReader reader(in);
            while (reader.next(rec)) {
                if (!each()) {
                    return;
                }
            }
        } catch (const util::CsvError& e) {
            throw DataError(fmt::format("{}:{}: {}", opt.source, e.line(), e.what()), "nothing was imported");
        }
    };
    auto rewind = [&]() {
        in.clear();
        in.seekg(0);
        if (!in) {
            throw Failure(fmt::format("cannot read '{}' twice", opt.source));
        }
    };

    // The header decides which columns a row may set; absent columns keep their values.
    const auto known = exchange_columns(ctx);
    std::vector<std::string> header;
    std::size_t header_line = 0;
    read_all([&] {
        header.assign(rec.fields.begin(), rec.fields.end());
        header_line = rec.line;
        return false;
    });
    if (header_line == 0) {
        throw DataError(fmt::format("{}: the file is empty (a header row is needed)", opt.source));
    }
    // Header cells name columns by name, by label (名称) or through --map; from here on
    // `header` holds the column names.
    const auto mapping = util::map_header(header, import_header_columns(ctx), opt.header_map);
    std::set<std::string> seen;
    for (const auto& p : mapping.problems) {
        problems.push_back(fmt::format("{}:{}:{}: {}", opt.source, header_line, p.column, p.message));
    }
    header = mapping.names;
    for (const auto& name : header) {
        if (!name.empty()) {
            seen.insert(name);
        }
    }
    const bool has_tag = seen.count("tag") > 0;
    if (opt.key == "serial" && !seen.count("serial")) {
        problem(header_line, "--key serial needs a 'serial' column");
    }
    if (!problems.empty()) {
        DataError e(fmt::format("the header of '{}' is bad; nothing was imported", opt.source),
                    fmt::format("columns: {}; or a label of one (see opsctl-asset(1)), or --map LABEL=column",
                                util::join(known, ", ")));
        e.with_details(problems);
        throw e;
    }
    auto column = [&](const std::string& name) -> std::ptrdiff_t {
        auto it = std::find(header.begin(), header.end(), name);
        return it == header.end() ? -1 : it - header.begin();
    };
    const std::ptrdiff_t tag_col = column("tag");
    // Each header name looked up once, not on every row.
    std::vector<AssetColumn> columns;
    columns.reserve(header.size());
    for (const auto& name : header) {
        columns.push_back(resolve_column(name));
    }
    const std::ptrdiff_t serial_col = column("serial");

    // Every tag the file names, with the line that names it first, so that parents may come
    // later in the file, generated tags stay clear of them and a tag named twice is found: a
    // first pass over the file that keeps only the tags, in a compact set (a million-row
    // import stays within its memory bound).
    util::KeyLines file_tags;
    if (has_tag) {
        rewind();
        bool header_row = true;
        read_all([&] {
            if (header_row) {
                header_row = false;
            } else if (tag_col < static_cast<std::ptrdiff_t>(rec.fields.size())) {
                file_tags.add(util::trim(rec.fields[tag_col]), rec.line);
            }
            return true;
        });
    }

    // One transaction from the first read to the last write: the checks stay true.
    store::WriteTransaction tx(ctx.db);
    // A bigger page cache for this connection: a large import writes all over the indexes.
    ctx.db.set_page_cache_mib(64);
    store::AssetWriter writer(ctx.db);
    if (!opt.dry_run) {
        // A parent may come after its children in the file; check_asset() has already
        // refused any status outside the list the table's CHECK holds.
        writer.begin_bulk_load();
    }
    // Two threads: this one owns the connection above and only writes; a second one reads
    // the file, checks each row (its lookups go through a connection of its own), builds its
    // event text and hash, and hands the rows over in small batches. The second connection
    // reads the database as it was when the write transaction above began (WAL: a snapshot
    // taken after BEGIN IMMEDIATE, and no other writer can commit until we do). That is what
    // the checks need: a key, tag or serial is never looked up twice in one file (the file's
    // own duplicates are refused before any lookup), so the rows this import writes are
    // never among those looked up.
    store::OpenOptions read_options;
    read_options.create = false;
    read_options.migrate = false;
    auto lookup_db = store::Database::open(ctx.db.path(), read_options);
    lookup_db->begin_read_snapshot();
    std::optional<store::AssetLookup> lookup(std::in_place, *lookup_db);
    const std::string first_prev_hash = opt.dry_run ? std::string{} : store::last_event_hash(ctx.db);

    // What the checking thread hands over: a row to write, with its event.
    struct WriteRow {
        Asset after;
        bool is_new = true;
        std::string fields; // the event's fields as JSON text
        std::string hash;   // the event's hash, chained to the previous row's
    };
    util::BatchPipe<WriteRow> pipe;
    constexpr std::size_t k_batch = 256;
    ImportResult result;
    std::map<std::string, std::int64_t> highest; // per prefix, the highest number written
    std::exception_ptr failure;
    std::atomic<std::int64_t> written{0}; // for the progress line

    auto check_all = [&] {
        util::KeyLines serial_lines; // with --key serial: each serial's first line
        std::map<std::string, std::int64_t> next_number; // per prefix, for rows without a tag
        std::vector<std::string> cells;
        store::Event e = audit::event(ctx, "asset");
        std::string prev_hash = first_prev_hash;
        std::vector<WriteRow> batch;
        batch.reserve(k_batch);
        bool open = true; // false once the writing thread gave up

        // The event's fields ({"field": [before, after], ...}) written as JSON text directly,
        // in the key order nlohmann::json::dump() gives an object: building and dumping an
        // object per row was a fifth of the import.
        util::JsonObjectText fields;
        std::vector<const FieldChange*> by_key;
        auto plan_write = [&](PlannedRow& row) {
            if (!row.is_new && row.changes.empty()) {
                return;
            }
            e.entity_id = row.after.tag;
            by_key.clear();
            for (const auto& c : row.changes) {
                by_key.push_back(&c);
            }
            std::stable_sort(by_key.begin(), by_key.end(),
                             [](const FieldChange* a, const FieldChange* b) { return a->field < b->field; });
            fields.clear();
            for (std::size_t i = 0; i < by_key.size(); ++i) {
                // A key named twice keeps its last value, as assigning into an object does.
                if (i + 1 < by_key.size() && by_key[i + 1]->field == by_key[i]->field) {
                    continue;
                }
                fields.change(by_key[i]->field, by_key[i]->before, by_key[i]->after);
            }
            if (row.is_new) {
                e.action = "created";
                if (const auto* cls = ctx.policy.assets.find_class(row.after.cls)) {
                    if (auto n = tag_number(row.after.tag, cls->prefix)) {
                        auto& h = highest[cls->prefix];
                        h = std::max(h, *n);
                    }
                }
            } else {
                e.action = "updated";
            }
            WriteRow& w = batch.emplace_back();
            w.fields = fields.finish();
            w.hash = store::event_hash(e, prev_hash, w.fields);
            prev_hash = w.hash;
            w.is_new = row.is_new;
            w.after = std::move(row.after);
            if (batch.size() == k_batch) {
                open = pipe.push(std::move(batch));
                batch.clear();
                batch.reserve(k_batch);
            }
        };

        rewind();
        bool header_row = true;
        std::int64_t rows_seen = 0;
        read_all([&] {
            if (header_row) {
                header_row = false;
                return true;
            }
            if (++rows_seen % 256 == 0 && opt.progress) {
                opt.progress({rows_seen, written.load(), util::bytes_read(in)});
            }
            const std::size_t line = rec.line;
            if (rec.fields.size() != header.size()) {
                problem(line, fmt::format("has {} fields, the header has {}", rec.fields.size(), header.size()));
                return open;
            }
            cells.resize(header.size());
            for (std::size_t c = 0; c < header.size(); ++c) {
                const std::string_view v = util::trim(rec.fields[c]);
                cells[c].assign(v.data(), v.size());
            }
            // Spreadsheet forms (a class label, a person's name, 2023/5/6) become the stored
            // ones; a cell that cannot is reported once, with its column, and ends the row.
            bool normal = true;
            for (std::size_t c = 0; c < header.size(); ++c) {
                if (auto why = normalise_cell(ctx, header[c], cells[c])) {
                    problem(line, fmt::format("column '{}': {}", header[c], *why), c + 1);
                    normal = false;
                }
            }
            if (!normal) {
                return open;
            }
            auto cell = [&](std::ptrdiff_t c) -> const std::string& {
                static const std::string k_none;
                return c < 0 ? k_none : cells[static_cast<std::size_t>(c)];
            };
            const std::string& key_value = cell(opt.key == "tag" ? tag_col : serial_col);

            PlannedRow row;
            row.line = line;
            std::optional<Asset> existing;
            if (!key_value.empty()) {
                // A tag's first line is known from the first pass; a serial's is kept here.
                const std::uint64_t first =
                    opt.key == "tag" ? file_tags.line_of(key_value) : serial_lines.add(key_value, line);
                if (first != 0 && first != line) {
                    problem(line, fmt::format("{} '{}' is also on line {}", opt.key, key_value, first));
                    return open;
                }
                if (opt.key == "tag") {
                    existing = lookup->find(key_value);
                } else {
                    const auto tags = lookup->tags_with_serial(key_value);
                    if (tags.size() > 1) {
                        problem(line, fmt::format("serial '{}' matches several assets ({})", key_value,
                                                  util::join(tags, ", ")));
                        return open;
                    }
                    if (tags.size() == 1) {
                        existing = lookup->find(tags.front());
                    }
                }
            } else if (opt.key == "serial" && opt.update) {
                problem(line, "the serial is empty, so the row matches nothing");
                return open;
            }
            if (existing && !opt.update) {
                problem(line, fmt::format("asset '{}' already exists (use --update to change it)", existing->tag));
                return open;
            }

            Asset a;
            if (existing) {
                row.is_new = false;
                row.before = *existing;
                a = *existing;
            } else {
                a.created_at = ctx.now;
                a.updated_at = ctx.now;
            }
            std::vector<std::string> row_problems;
            for (std::size_t c = 0; c < header.size(); ++c) {
                const std::string& name = header[c];
                const std::string& value = cells[c];
                if (existing && name == "tag" && !value.empty() && value != existing->tag) {
                    row_problems.push_back(fmt::format("serial '{}' belongs to asset '{}', not '{}'", key_value,
                                                       existing->tag, value));
                    continue;
                }
                if (existing && name == "class" && value != existing->cls) {
                    row_problems.push_back(fmt::format("the class of '{}' cannot change from '{}' to '{}'",
                                                       existing->tag, existing->cls, value));
                    continue;
                }
                set_value(a, columns[c], value);
            }
            if (a.status.empty()) {
                a.status = existing ? existing->status : (a.owner.empty() ? "in_stock" : "in_use");
            }
            if (existing && !can_move(existing->status, a.status)) {
                row_problems.push_back(fmt::format("cannot move '{}' from {} to {} (the lifecycle only moves "
                                                   "forward, except maintenance <-> in_use)",
                                                   existing->tag, existing->status, a.status));
            }
            if ((a.status == "retired" || a.status == "disposed") && !a.retired_at) {
                a.retired_at = ctx.now;
            }
            if (a.status == "disposed" && !a.disposed_at) {
                a.disposed_at = ctx.now;
            }
            if (a.tag.empty() && row_problems.empty()) {
                const auto* cls = ctx.policy.assets.find_class(a.cls);
                if (cls && !cls->prefix.empty()) {
                    auto [it, fresh] = next_number.emplace(cls->prefix, 0);
                    if (fresh) {
                        it->second = lookup->next_number(cls->prefix, cls->digits) - 1;
                    }
                    std::string tag;
                    do {
                        tag = fmt::format("{}-{:0{}}", cls->prefix, ++it->second, cls->digits);
                    } while (file_tags.contains(tag) || lookup->exists(tag));
                    a.tag = tag;
                }
            }
            auto more = check_asset(ctx, a, false);
            row_problems.insert(row_problems.end(), more.begin(), more.end());
            if (!a.tag.empty() && !existing) {
                // A generated tag is in no line of the file; a written one was found by the
                // first pass, on this line or an earlier one.
                const std::uint64_t first = file_tags.line_of(a.tag);
                if (first != 0 && first != line) {
                    row_problems.push_back(fmt::format("tag '{}' is also on line {}", a.tag, first));
                } else if (opt.key == "serial" && lookup->exists(a.tag)) {
                    row_problems.push_back(fmt::format("asset '{}' already exists with another serial", a.tag));
                }
            }
            if (!a.parent.empty() && a.parent != a.tag && !file_tags.contains(a.parent) && !lookup->exists(a.parent)) {
                row_problems.push_back(fmt::format("no parent asset '{}'", a.parent));
            } else if (!a.parent.empty() && a.parent == a.tag) {
                row_problems.push_back(fmt::format("asset '{}' cannot be its own parent", a.tag));
            }
            for (auto& p : row_problems) {
                problem(line, std::move(p));
            }
            if (!row_problems.empty()) {
                return open;
            }
            row.changes = diff_assets(row.before, a);
            row.after = std::move(a);
            if (row.is_new) {
                ++result.added;
            } else if (row.changes.empty()) {
                ++result.unchanged;
            } else {
                ++result.updated;
            }
            if (opt.dry_run) {
                for (const auto& c : row.changes) {
                    result.changes.push_back({row.line, row.after.tag, row.is_new ? "add" : "update", c.field,
                                              c.before, c.after});
                }
            } else if (problems.empty()) {
                plan_write(row);
            }
            return open;
        });
        if (open && !batch.empty()) {
            pipe.push(std::move(batch));
        }
    };
    std::thread checker = pipe.start_producer([&] { check_all(); }, failure);

    // This thread writes the rows in file order until the file is done or a row is bad (the
    // checking thread then sends no more, and nothing is committed).
    try {
        store::Event e = audit::event(ctx, "asset");
        std::vector<WriteRow> batch;
        while (pipe.pop(batch)) {
            for (auto& w : batch) {
                if (w.is_new) {
                    writer.insert(w.after);
                    e.action = "created";
                } else {
                    w.after.updated_at = ctx.now;
                    writer.update(w.after);
                    e.action = "updated";
                }
                e.entity_id = w.after.tag;
                store::record_hashed_event(ctx.db, e, w.fields, std::move(w.hash));
                ++written;
            }
        }
    } catch (...) {
        pipe.stop();
        checker.join();
        throw;
    }
    checker.join();
    // The read snapshot ends before the commit, so that the commit's checkpoint is not held
    // back by it.
    lookup.reset();
    lookup_db.reset();
    if (failure) {
        std::rethrow_exception(failure);
    }

    if (!problems.empty()) {
        std::vector<std::string> details = std::move(problems);
        if (problem_count > details.size()) {
            details.push_back(fmt::format("... and {} more problems", problem_count - details.size()));
        }
        DataError err(fmt::format("{} line{} of '{}' {} bad; nothing was imported", bad_lines,
                                  bad_lines == 1 ? "" : "s", opt.source, bad_lines == 1 ? "is" : "are"),
                      "fix them and import the file again");
        err.with_details(std::move(details));
        throw err;
    }
    if (opt.dry_run) {
        return result;
    }
    for (const auto& [prefix, n] : highest) {
        writer.note_number(prefix, n);
    }
    tx.commit();
    return result;
}

} // namespace opsctl::asset
