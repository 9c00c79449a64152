#include "lib/store/inspect_repo.hpp"

#include <fmt/format.h>

namespace opsctl::store {

namespace {

constexpr const char* k_run_columns =
    "u.id, u.checklist, u.started_at, u.finished_at, u.status, u.target_count, u.item_count, u.pending_count, "
    "u.actor, "
    "(SELECT COUNT(*) FROM inspect_results x WHERE x.run_id = u.id AND x.status = 0), "
    "(SELECT COUNT(*) FROM inspect_results x WHERE x.run_id = u.id AND x.status = 1), "
    "(SELECT COUNT(*) FROM inspect_results x WHERE x.run_id = u.id AND x.status = 2), "
    "(SELECT COUNT(*) FROM inspect_results x WHERE x.run_id = u.id AND x.status = 3)";

constexpr const char* k_result_columns =
    "r.id, r.run_id, r.checklist, r.item, r.kind, r.target, r.status, r.message, r.perfdata, r.duration_ms, "
    "r.recorded_at, r.recorded_by, r.note, u.started_at";

InspectRunRow read_run(Statement& q) {
    InspectRunRow r;
    r.id = q.column(0).as_int64();
    r.checklist = q.column(1).as_string();
    r.started_at = q.column(2).as_int64();
    if (!q.column(3).is_null()) {
        r.finished_at = q.column(3).as_int64();
    }
    r.status = q.column(4).as_int();
    r.target_count = q.column(5).as_int64();
    r.item_count = q.column(6).as_int64();
    r.pending_count = q.column(7).as_int64();
    r.actor = q.column(8).as_string();
    r.ok = q.column(9).as_int64();
    r.warning = q.column(10).as_int64();
    r.critical = q.column(11).as_int64();
    r.unknown = q.column(12).as_int64();
    return r;
}

InspectResultRow read_result(Statement& q) {
    InspectResultRow r;
    r.id = q.column(0).as_int64();
    r.run_id = q.column(1).as_int64();
    r.checklist = q.column(2).as_string();
    r.item = q.column(3).as_string();
    r.kind = q.column(4).as_string();
    r.target = q.column(5).as_string();
    if (!q.column(6).is_null()) {
        r.status = q.column(6).as_int();
    }
    r.message = q.column(7).as_string();
    r.perfdata = q.column(8).as_string();
    r.duration_ms = q.column(9).as_int64();
    if (!q.column(10).is_null()) {
        r.recorded_at = q.column(10).as_int64();
    }
    r.recorded_by = q.column(11).as_string();
    r.note = q.column(12).as_string();
    r.run_started_at = q.column(13).as_int64();
    return r;
}

} // namespace

std::int64_t insert_inspect_run(Database& db, const InspectRunRow& run, std::vector<InspectResultRow>& results) {
    auto& sql = db;
    Statement ins(sql, "INSERT INTO inspect_runs (checklist, started_at, finished_at, status, target_count, "
                       "item_count, pending_count, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, run.checklist);
    ins.bind(2, static_cast<std::int64_t>(run.started_at));
    if (run.finished_at) {
        ins.bind(3, static_cast<std::int64_t>(*run.finished_at));
    }
    ins.bind(4, run.status);
    ins.bind(5, static_cast<std::int64_t>(run.target_count));
    ins.bind(6, static_cast<std::int64_t>(run.item_count));
    ins.bind(7, static_cast<std::int64_t>(run.pending_count));
    ins.bind(8, run.actor);
    ins.exec();
    const std::int64_t run_id = sql.last_insert_id();
    // One statement reused for every result.
    Statement res(sql, "INSERT INTO inspect_results (run_id, checklist, item, kind, target, status, message, "
                       "perfdata, duration_ms, recorded_at, recorded_by, note) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (auto& r : results) {
        res.reset();
        res.clear_bindings();
        res.bind(1, static_cast<std::int64_t>(run_id));
        res.bind(2, run.checklist);
        res.bind(3, r.item);
        res.bind(4, r.kind);
        res.bind(5, r.target);
        if (r.status) {
            res.bind(6, *r.status);
        }
        res.bind(7, r.message);
        res.bind(8, r.perfdata);
        res.bind(9, static_cast<std::int64_t>(r.duration_ms));
        if (r.recorded_at) {
            res.bind(10, static_cast<std::int64_t>(*r.recorded_at));
            res.bind(11, r.recorded_by);
        }
        res.bind(12, r.note);
        res.exec();
        r.run_id = run_id;
        r.checklist = run.checklist;
        r.id = sql.last_insert_id();
    }
    return run_id;
}

std::optional<InspectRunRow> find_inspect_run(Database& db, std::int64_t id) {
    Statement q(db, fmt::format("SELECT {} FROM inspect_runs u WHERE u.id = ?", k_run_columns));
    q.bind(1, static_cast<std::int64_t>(id));
    if (q.step()) {
        return read_run(q);
    }
    return std::nullopt;
}

std::vector<InspectResultRow> inspect_results_of_run(Database& db, std::int64_t run_id) {
    Statement q(db, fmt::format("SELECT {} FROM inspect_results r JOIN inspect_runs u ON u.id = r.run_id "
                                "WHERE r.run_id = ? ORDER BY r.id",
                                k_result_columns));
    q.bind(1, static_cast<std::int64_t>(run_id));
    std::vector<InspectResultRow> out;
    while (q.step()) {
        out.push_back(read_result(q));
    }
    return out;
}

std::vector<InspectRunRow> list_inspect_runs(Database& db, const InspectRunFilter& f) {
    std::string sql = fmt::format("SELECT {} FROM inspect_runs u WHERE 1 = 1", k_run_columns);
    if (!f.checklist.empty()) {
        sql += " AND u.checklist = :checklist";
    }
    if (f.since) {
        sql += " AND u.started_at >= :since";
    }
    if (f.failed_only) {
        sql += " AND u.status <> 0";
    }
    sql += " ORDER BY u.started_at DESC, u.id DESC LIMIT :limit";
    Statement q(db, sql);
    if (!f.checklist.empty()) {
        q.bind(":checklist", f.checklist);
    }
    if (f.since) {
        q.bind(":since", static_cast<std::int64_t>(*f.since));
    }
    q.bind(":limit", f.limit);
    std::vector<InspectRunRow> out;
    while (q.step()) {
        out.push_back(read_run(q));
    }
    return out;
}

std::map<std::string, InspectRunRow> last_inspect_runs(Database& db) {
    Statement q(db, fmt::format("SELECT {} FROM inspect_last_runs u", k_run_columns));
    std::map<std::string, InspectRunRow> out;
    while (q.step()) {
        auto r = read_run(q);
        out.emplace(r.checklist, std::move(r));
    }
    return out;
}

std::vector<InspectResultRow> latest_inspect_results(Database& db, const std::string& checklist,
                                                     const std::string& target, std::optional<int> min_status) {
    // The newest run_id per (checklist, item, target) comes from the covering index
    // inspect_results_item; the filters narrow that scan when given.
    std::string inner = "SELECT checklist, item, target, MAX(run_id) AS run_id FROM inspect_results WHERE 1 = 1";
    if (!checklist.empty()) {
        inner += " AND checklist = :checklist";
    }
    if (!target.empty()) {
        inner += " AND target = :target";
    }
    inner += " GROUP BY checklist, item, target";
    std::string sql = fmt::format("SELECT {} FROM ({}) m JOIN inspect_results r ON r.run_id = m.run_id AND "
                                  "r.item = m.item AND r.target = m.target JOIN inspect_runs u ON u.id = r.run_id",
                                  k_result_columns, inner);
    if (min_status) {
        sql += " WHERE r.status >= :min_status";
    }
    sql += " ORDER BY r.checklist, r.target, r.id";
    Statement q(db, sql);
    if (!checklist.empty()) {
        q.bind(":checklist", checklist);
    }
    if (!target.empty()) {
        q.bind(":target", target);
    }
    if (min_status) {
        q.bind(":min_status", *min_status);
    }
    std::vector<InspectResultRow> out;
    while (q.step()) {
        out.push_back(read_result(q));
    }
    return out;
}

std::vector<InspectResultRow> inspect_results_for_target(Database& db, const std::string& target, int limit) {
    Statement q(db, fmt::format("SELECT {} FROM inspect_results r JOIN inspect_runs u ON u.id = r.run_id "
                                "WHERE r.target = ? ORDER BY r.run_id DESC, r.id LIMIT ?",
                                k_result_columns));
    q.bind(1, target);
    q.bind(2, limit);
    std::vector<InspectResultRow> out;
    while (q.step()) {
        out.push_back(read_result(q));
    }
    return out;
}

namespace {

InspectResultPage read_page(Statement& q) {
    // The window count (before LIMIT) follows the result columns.
    InspectResultPage page;
    while (q.step()) {
        page.rows.push_back(read_result(q));
        page.total = q.column(14).as_int64();
    }
    return page;
}

} // namespace

InspectResultPage failing_inspect_results(Database& db, std::int64_t limit) {
    // The latest result of each (checklist, item, target) that ever failed: an item failing
    // now has a failing latest result, so the candidates come from the status index (two
    // equality ranges, which the planner keeps to) and each latest run is one seek on
    // inspect_results_item. Grouping every result instead (latest_inspect_results) reads the
    // whole table: 0.3-0.45 s on a million results.
    Statement q(db, fmt::format(R"sql(
WITH c AS (SELECT checklist, item, target FROM inspect_results WHERE status = 1
           UNION SELECT checklist, item, target FROM inspect_results WHERE status = 2),
     l AS (SELECT c.checklist, c.item, c.target,
                  (SELECT MAX(x.run_id) FROM inspect_results x WHERE x.checklist = c.checklist
                     AND x.item = c.item AND x.target = c.target) AS run_id FROM c)
SELECT {}, COUNT(*) OVER ()
FROM l JOIN inspect_results r ON r.run_id = l.run_id AND r.item = l.item AND r.target = l.target
JOIN inspect_runs u ON u.id = r.run_id WHERE r.status IN (1, 2)
ORDER BY u.started_at, r.checklist, r.item, r.target LIMIT ?1)sql",
                                              k_result_columns));
    q.bind(1, static_cast<std::int64_t>(limit));
    return read_page(q);
}

InspectResultPage pending_inspect_results(Database& db, std::int64_t limit) {
    // The run's start as a scalar subquery rather than a join: with a join the planner walks
    // every run and all its results; this way it reads the few pending rows from the status
    // index.
    Statement q(db, R"sql(
SELECT r.id, r.run_id, r.checklist, r.item, r.kind, r.target, r.status, r.message, r.perfdata, r.duration_ms,
       r.recorded_at, r.recorded_by, r.note, (SELECT u.started_at FROM inspect_runs u WHERE u.id = r.run_id),
       COUNT(*) OVER ()
FROM inspect_results r WHERE r.status IS NULL ORDER BY r.run_id, r.item, r.target LIMIT ?1)sql");
    q.bind(1, static_cast<std::int64_t>(limit));
    return read_page(q);
}

void answer_inspect_result(Database& db, std::int64_t result_id, int status, const std::string& message,
                           const std::string& note, std::int64_t at, const std::string& by) {
    auto& sql = db;
    Statement up(sql, "UPDATE inspect_results SET status = ?, message = ?, note = ?, recorded_at = ?, "
                      "recorded_by = ? WHERE id = ?");
    up.bind(1, status);
    up.bind(2, message);
    up.bind(3, note);
    up.bind(4, static_cast<std::int64_t>(at));
    up.bind(5, by);
    up.bind(6, static_cast<std::int64_t>(result_id));
    up.exec();
    // The run's status is its worst answered result, CRITICAL ranked above UNKNOWN: the
    // CASE swaps 2 and 3 so that MAX picks by rank, and swaps them back.
    Statement run(sql,
                  "UPDATE inspect_runs SET "
                  "status = (SELECT CASE COALESCE(MAX(CASE x.status WHEN 2 THEN 3 WHEN 3 THEN 2 ELSE x.status END), 0) "
                  "          WHEN 3 THEN 2 WHEN 2 THEN 3 ELSE COALESCE(MAX(x.status), 0) END "
                  "          FROM inspect_results x WHERE x.run_id = inspect_runs.id), "
                  "pending_count = (SELECT COUNT(*) FROM inspect_results x "
                  "                 WHERE x.run_id = inspect_runs.id AND x.status IS NULL) "
                  "WHERE id = (SELECT run_id FROM inspect_results WHERE id = ?)");
    run.bind(1, static_cast<std::int64_t>(result_id));
    run.exec();
}

std::map<LogPositionKey, LogPosition> load_log_positions(Database& db, const std::string& checklist) {
    Statement q(db, "SELECT item, target, file, inode, byte_offset, size FROM inspect_log_positions "
                    "WHERE checklist = ?");
    q.bind(1, checklist);
    std::map<LogPositionKey, LogPosition> out;
    while (q.step()) {
        out[{checklist, q.column(0).as_string(), q.column(1).as_string(), q.column(2).as_string()}] =
            LogPosition{q.column(3).as_int64(), q.column(4).as_int64(), q.column(5).as_int64()};
    }
    return out;
}

void save_log_positions(Database& db, const std::map<LogPositionKey, LogPosition>& positions, std::int64_t at) {
    Statement q(db, "INSERT INTO inspect_log_positions (checklist, item, target, file, inode, byte_offset, "
                    "size, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (checklist, item, target, file) DO UPDATE SET inode = excluded.inode, "
                    "byte_offset = excluded.byte_offset, size = excluded.size, "
                    "updated_at = excluded.updated_at");
    for (const auto& [key, pos] : positions) {
        q.reset();
        q.bind(1, std::get<0>(key));
        q.bind(2, std::get<1>(key));
        q.bind(3, std::get<2>(key));
        q.bind(4, std::get<3>(key));
        q.bind(5, static_cast<std::int64_t>(pos.inode));
        q.bind(6, static_cast<std::int64_t>(pos.offset));
        q.bind(7, static_cast<std::int64_t>(pos.size));
        q.bind(8, static_cast<std::int64_t>(at));
        q.exec();
    }
}

} // namespace opsctl::store
