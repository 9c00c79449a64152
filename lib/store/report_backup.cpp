#include "lib/store/report_backup.hpp"

namespace opsctl::store {

namespace {

void bind_period(Statement& q, const ReportPeriod& p) {
    q.bind(1, static_cast<std::int64_t>(p.start));
    q.bind(2, static_cast<std::int64_t>(p.end));
}

} // namespace

bool report_has_backups(Database& db) { return report_table_has_rows(db, "backup_runs"); }

std::vector<BackupJobCounts> backup_runs_by_job(Database& db, const ReportPeriod& p) {
    std::vector<BackupJobCounts> out;
    if (!report_table_exists(db, "backup_runs")) {
        return out;
    }
    Statement q(db, R"sql(
SELECT job, MAX(kind), COUNT(*), COUNT(*) FILTER (WHERE status = 'success'),
       COUNT(*) FILTER (WHERE status = 'failed'),
       COUNT(*) FILTER (WHERE status = 'success' AND EXISTS (SELECT 1 FROM backup_verifications v
                                                             WHERE v.run_id = b.id AND v.ok = 1 AND v.at < ?2))
FROM backup_runs b WHERE started_at >= ?1 AND started_at < ?2 GROUP BY job ORDER BY job)sql");
    bind_period(q, p);
    while (q.step()) {
        BackupJobCounts c;
        c.job = q.column(0).as_string();
        c.kind = q.column(1).as_string();
        c.runs = q.column(2).as_int64();
        c.success = q.column(3).as_int64();
        c.failed = q.column(4).as_int64();
        c.verified = q.column(5).as_int64();
        out.push_back(std::move(c));
    }
    return out;
}

std::optional<std::int64_t> backup_stale_seconds(Database& db, const std::string& job, const ReportPeriod& p,
                                                 std::int64_t max_age) {
    if (!report_table_exists(db, "backup_runs") || p.end <= p.start) {
        return std::nullopt;
    }
    // The instants a fresh backup appeared: the newest success before the period (or the
    // job's first run, when it had none), every success in it, and the period's end as a
    // sentinel. Between two of them the backup is stale from `previous + max_age` on.
    Statement q(db, R"sql(
WITH base AS (SELECT COALESCE(
                  (SELECT MAX(finished_at) FROM backup_runs WHERE job = ?3 AND status = 'success'
                     AND finished_at < ?1),
                  (SELECT MIN(started_at) FROM backup_runs WHERE job = ?3 AND started_at < ?2)) AS t),
     points AS (SELECT t FROM base WHERE t IS NOT NULL
                UNION ALL
                SELECT finished_at FROM backup_runs WHERE job = ?3 AND status = 'success'
                  AND finished_at >= ?1 AND finished_at < ?2
                UNION ALL
                SELECT ?2 WHERE EXISTS (SELECT 1 FROM base WHERE t IS NOT NULL)),
     spans AS (SELECT t, LAG(t) OVER (ORDER BY t) AS prev FROM points),
     bounds AS (SELECT CASE WHEN t < ?2 THEN t ELSE ?2 END AS hi,
                       CASE WHEN prev + ?4 > ?1 THEN prev + ?4 ELSE ?1 END AS lo
                FROM spans WHERE prev IS NOT NULL)
SELECT (SELECT COUNT(*) FROM points),
       COALESCE((SELECT SUM(CASE WHEN hi > lo THEN hi - lo ELSE 0 END) FROM bounds), 0))sql");
    bind_period(q, p);
    q.bind(3, job);
    q.bind(4, static_cast<std::int64_t>(max_age));
    if (!q.step() || q.column(0).as_int64() == 0) {
        return std::nullopt;
    }
    return q.column(1).as_int64();
}

std::vector<RestoreDrill> restore_drills(Database& db, const ReportPeriod& p, std::int64_t limit) {
    std::vector<RestoreDrill> out;
    if (!report_table_exists(db, "backup_restores")) {
        return out;
    }
    Statement q(db, R"sql(
SELECT x.id, x.run_id, b.job, x.at, x.duration_ms, x.files, x.ok, x.target, x.detail, x.actor, COUNT(*) OVER ()
FROM backup_restores x JOIN backup_runs b ON b.id = x.run_id
WHERE x.at >= ?1 AND x.at < ?2 ORDER BY x.at, x.id LIMIT ?3)sql");
    bind_period(q, p);
    q.bind(3, static_cast<std::int64_t>(limit));
    while (q.step()) {
        RestoreDrill d;
        d.id = q.column(0).as_int64();
        d.run_id = q.column(1).as_int64();
        d.job = q.column(2).as_string();
        d.at = q.column(3).as_int64();
        d.duration_ms = q.column(4).as_int64();
        d.files = q.column(5).as_int64();
        d.ok = q.column(6).as_int() != 0;
        d.target = q.column(7).as_string();
        d.detail = q.column(8).as_string();
        d.actor = q.column(9).as_string();
        d.total = q.column(10).as_int64();
        out.push_back(std::move(d));
    }
    return out;
}

std::pair<std::int64_t, std::int64_t> restore_drill_counts(Database& db, const ReportPeriod& p) {
    if (!report_table_exists(db, "backup_restores")) {
        return {0, 0};
    }
    Statement q(db, "SELECT COUNT(*), COALESCE(SUM(ok), 0) FROM backup_restores WHERE at >= ?1 AND at < ?2");
    bind_period(q, p);
    q.step();
    return {q.column(0).as_int64(), q.column(1).as_int64()};
}

BackupJobAt backup_job_at(Database& db, const std::string& job, std::int64_t at) {
    BackupJobAt out;
    if (!report_table_exists(db, "backup_runs")) {
        return out;
    }
    Statement q(db, R"sql(
SELECT (SELECT id FROM backup_runs WHERE job = ?1 AND finished_at < ?2 ORDER BY finished_at DESC, id DESC LIMIT 1),
       (SELECT MAX(finished_at) FROM backup_runs WHERE job = ?1 AND status = 'success' AND finished_at < ?2),
       (SELECT v.run_id * (1 - v.ok) FROM backup_verifications v JOIN backup_runs b ON b.id = v.run_id
         WHERE b.job = ?1 AND v.at < ?2 ORDER BY v.at DESC, v.id DESC LIMIT 1))sql");
    q.bind(1, job);
    q.bind(2, static_cast<std::int64_t>(at));
    if (!q.step()) {
        return out;
    }
    if (!q.column(1).is_null()) {
        out.last_success_at = q.column(1).as_int64();
    }
    if (!q.column(2).is_null() && q.column(2).as_int64() != 0) {
        out.failed_verification_run = q.column(2).as_int64();
    }
    if (q.column(0).is_null()) {
        return out;
    }
    out.last_run_id = q.column(0).as_int64();
    Statement r(db, "SELECT status, COALESCE(error, ''), finished_at FROM backup_runs WHERE id = ?1");
    r.bind(1, *out.last_run_id);
    if (r.step()) {
        out.last_status = r.column(0).as_string();
        out.last_error = r.column(1).as_string();
        out.last_finished_at = r.column(2).as_int64();
    }
    return out;
}

} // namespace opsctl::store
