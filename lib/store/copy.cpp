#include "lib/store/copy.hpp"

#include "lib/core/error.hpp"
#include "lib/store/driver.hpp"
#include "lib/store/tally.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace opsctl::store {

namespace {

std::string quoted(const std::string& name) {
    std::string out = "\"";
    for (char c : name) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

// Moves every row of `select` (its columns in order) into `writer`, each value with its own
// type: a PostgreSQL boolean reads as the integer SQLite keeps, and a SQLite 0 or 1 is read
// by PostgreSQL's COPY as a boolean again.
std::int64_t move_rows(driver::PreparedStatement& select, driver::RowWriter& writer, int columns) {
    std::int64_t rows = 0;
    while (select.step()) {
        for (int c = 0; c < columns; ++c) {
            switch (select.column_type(c)) {
            case ValueType::null:
                writer.add_null();
                break;
            case ValueType::integer:
                writer.add_int64(select.column_int64(c));
                break;
            case ValueType::real:
                writer.add_double(select.column_double(c));
                break;
            case ValueType::text:
                writer.add_text(select.column_text(c));
                break;
            }
        }
        writer.end_row();
        ++rows;
    }
    writer.finish();
    return rows;
}

} // namespace

CopyResult copy_database(Database& from, Database& to, bool replace) {
    auto& src = from.connection();
    auto& dst = to.connection();
    if (from.schema_version() != to.schema_version()) {
        throw Failure(fmt::format("database '{}' has schema version {} and '{}' has {}", from.path().string(),
                                  from.schema_version(), to.path().string(), to.schema_version()),
                      "run 'opsctl init' on the older one first");
    }
    CopyResult result;
    try {
        ReadTransaction snapshot(from);
        WriteTransaction tx(to);
        const std::vector<std::string> tables = src.tables();
        const std::vector<std::string> dst_tables = dst.tables();
        for (const auto& t : tables) {
            if (std::find(dst_tables.begin(), dst_tables.end(), t) == dst_tables.end()) {
                throw Failure(fmt::format("database '{}' has no table '{}' to copy into", to.path().string(), t));
            }
        }
        // Empty means no row in any table: migrations add none, every record adds one.
        std::int64_t held = 0;
        std::string held_by;
        for (const auto& t : dst_tables) {
            auto q = dst.prepare(fmt::format("SELECT count(*) FROM {}", quoted(t)));
            const std::int64_t n = q->step() ? q->column_int64(0) : 0;
            if (n > 0 && held_by.empty()) {
                held_by = t;
            }
            held += n;
        }
        if (held > 0 && !replace) {
            throw DataError(fmt::format("database '{}' is not empty ({} rows, in '{}' and maybe more)",
                                        to.path().string(), held, held_by),
                            "copy into a new or empty database, or pass --replace to empty it first");
        }
        // Foreign keys are checked at the commit: the tables go in name order, children and
        // parents alike, and with --replace the old rows go first.
        dst.relax_checks_for_bulk_load();
        if (held > 0) {
            for (const auto& t : dst_tables) {
                dst.exec(fmt::format("DELETE FROM {}", quoted(t)).c_str());
            }
            dst.exec(dst.ticket_search_sql().clear);
        }
        for (const auto& t : tables) {
            if (t == k_tally_table) {
                continue; // derived: rebuilt below from the tickets copied
            }
            const std::vector<std::string> src_columns = src.columns(t);
            std::vector<std::string> columns;
            for (const auto& c : dst.columns(t)) {
                if (std::find(src_columns.begin(), src_columns.end(), c) != src_columns.end()) {
                    columns.push_back(c);
                }
            }
            for (const auto& c : src_columns) {
                if (std::find(columns.begin(), columns.end(), c) == columns.end() && c != "rowid") {
                    throw Failure(fmt::format("table '{}' of database '{}' has no column '{}' to copy into", t,
                                              to.path().string(), c));
                }
            }
            std::string names;
            for (const auto& c : columns) {
                names += (names.empty() ? "" : ", ") + quoted(c);
            }
            auto select = src.prepare_stream(fmt::format("SELECT {} FROM {}", names, quoted(t)));
            auto writer = dst.bulk_insert(t, columns);
            const std::int64_t rows = move_rows(*select, *writer, static_cast<int>(columns.size()));
            dst.reset_generated_ids(t);
            result.tables.emplace_back(t, rows);
            result.rows += rows;
        }
        // The search index as the source has it (each engine keeps its own kind of index).
        {
            auto select = src.prepare_stream(src.ticket_search_sql().rows);
            auto writer = dst.bulk_insert_ticket_search();
            result.search_entries = move_rows(*select, *writer, 4);
        }
        // The review's tally counts the tickets as they arrive (triggers, on COPY too), on top of
        // whatever --replace left behind: recounted once they are all in.
        rebuild_tally(to);
        tx.commit();
    } catch (const DatabaseError& e) {
        if (e.kind() == DatabaseError::Kind::busy || e.kind() == DatabaseError::Kind::conflict) {
            throw Busy(fmt::format("cannot copy '{}' to '{}': {}", from.path().string(), to.path().string(), e.what()),
                       "another process holds the destination's write lock; try again");
        }
        throw Failure(fmt::format("cannot copy '{}' to '{}': {}", from.path().string(), to.path().string(), e.what()));
    }
    return result;
}

} // namespace opsctl::store
