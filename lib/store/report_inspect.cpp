#include "lib/store/report_inspect.hpp"

#include <algorithm>
#include <tuple>

namespace opsctl::store {

namespace {

void bind_period(Statement& q, const ReportPeriod& p) {
    q.bind(1, static_cast<std::int64_t>(p.start));
    q.bind(2, static_cast<std::int64_t>(p.end));
}

// The rows of a pending-results query: run, checklist, item, target, run start, total.
std::vector<PendingResult> read_pending(Statement& q) {
    std::vector<PendingResult> out;
    while (q.step()) {
        PendingResult r;
        r.run_id = q.column(0).as_int64();
        r.checklist = q.column(1).as_string();
        r.item = q.column(2).as_string();
        r.target = q.column(3).as_string();
        r.started_at = q.column(4).as_int64();
        r.total = q.column(5).as_int64();
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace

bool report_has_inspections(Database& db) { return report_table_has_rows(db, "inspect_runs"); }

InspectPeriod inspect_period(Database& db, const ReportPeriod& p) {
    InspectPeriod out;
    if (!report_table_exists(db, "inspect_runs")) {
        return out;
    }
    // Each run as it stood at the period's end: a manual item answered after it leaves the
    // run pending then, and such a run's status is the worst of the results answered by then
    // (CRITICAL ranked above UNKNOWN, as inspect_repo ranks them); the other runs keep their
    // stored status and pending count. Read by seeks on inspect_results_run_status (the
    // failing and the unanswered results of each run) and inspect_results_recorded (answers
    // given after the end), never every result of the month.
    struct Run {
        std::int64_t id = 0;
        std::string checklist;
        int status = 0;
        bool pending = false, late = false;
    };
    std::vector<Run> runs;
    {
        Statement q(db, R"sql(
SELECT u.id, u.checklist, u.status, u.pending_count > 0,
       (SELECT COUNT(*) FROM inspect_results r WHERE r.run_id = u.id AND r.status IN (1, 2)),
       (SELECT COUNT(*) FROM inspect_results r WHERE r.run_id = u.id AND r.status IS NULL AND r.kind = 'manual')
FROM inspect_runs u WHERE u.started_at >= ?1 AND u.started_at < ?2 ORDER BY u.id)sql");
        bind_period(q, p);
        while (q.step()) {
            runs.push_back({q.column(0).as_int64(), q.column(1).as_string(), q.column(2).as_int(),
                            q.column(3).as_int() != 0, false});
            out.totals.failed_results += q.column(4).as_int64();
            out.totals.pending += q.column(5).as_int64();
        }
    }
    auto run_of = [&](std::int64_t id) -> Run* {
        const auto it =
            std::lower_bound(runs.begin(), runs.end(), id, [](const Run& r, std::int64_t v) { return r.id < v; });
        return it == runs.end() || it->id != id ? nullptr : &*it;
    };
    {
        // Answered after the end: pending then, and their runs recomputed below.
        Statement q(db, "SELECT run_id, status IS NOT NULL FROM inspect_results "
                        "WHERE recorded_at >= ?1 AND kind = 'manual'");
        q.bind(1, static_cast<std::int64_t>(p.end));
        while (q.step()) {
            if (auto* run = run_of(q.column(0).as_int64())) {
                run->late = true;
                out.totals.pending += q.column(1).as_int(); // the unanswered are counted above
            }
        }
    }
    auto rank = [](int status) { return status == 2 ? 3 : status == 3 ? 2 : status; };
    Statement worst(db, "SELECT COALESCE(MAX(CASE status WHEN 2 THEN 3 WHEN 3 THEN 2 ELSE status END), 0) "
                        "FROM inspect_results WHERE run_id = ?1 AND (kind <> 'manual' OR recorded_at < ?2)");
    std::map<std::string, ChecklistRunCounts> by_checklist;
    for (auto& r : runs) {
        if (r.late) {
            worst.reset();
            worst.bind(1, static_cast<std::int64_t>(r.id));
            worst.bind(2, static_cast<std::int64_t>(p.end));
            worst.step();
            r.status = rank(worst.column(0).as_int()); // the ranking is its own inverse
            r.pending = true;
        }
        auto& c = by_checklist[r.checklist];
        c.checklist = r.checklist;
        ++c.runs;
        const bool ok = r.status == 0 && !r.pending;
        c.ok += ok ? 1 : 0;
        c.warning += r.status == 1 ? 1 : 0;
        c.critical += r.status == 2 ? 1 : 0;
        c.unknown += r.status == 3 ? 1 : 0;
        c.pending += r.pending ? 1 : 0;
        ++out.totals.runs;
        out.totals.passed += ok ? 1 : 0;
    }
    for (auto& [name, c] : by_checklist) {
        out.by_checklist.push_back(std::move(c));
    }
    return out;
}

std::vector<FailedItem> most_failed_items(Database& db, const ReportPeriod& p, std::int64_t limit) {
    std::vector<FailedItem> out;
    if (!report_table_exists(db, "inspect_runs")) {
        return out;
    }
    // The period's failing results come from its runs (inspect_runs_started, then a seek per
    // run and status on inspect_results_run_status: CROSS JOIN keeps the runs outside, where
    // the planner read every failing result ever through inspect_results_status). The last
    // result of each target that failed, before the period's end, is one seek on
    // inspect_results_item (checklist, item, target, run_id) per target, bounded by the newest
    // run started before the end: run ids grow with time, as the inspect_latest_results view
    // assumes.
    Statement q(db, R"sql(
WITH lim AS (SELECT COALESCE(MAX(id), 0) AS r FROM inspect_runs WHERE started_at < ?2),
     f AS (SELECT r.checklist, r.item, r.target, COUNT(*) AS n
           FROM inspect_runs u CROSS JOIN inspect_results r
           WHERE r.run_id = u.id AND u.started_at >= ?1 AND u.started_at < ?2 AND r.status IN (1, 2)
           GROUP BY r.checklist, r.item, r.target),
     last AS (SELECT f.*, (SELECT l.status FROM inspect_results l
                           WHERE l.checklist = f.checklist AND l.item = f.item AND l.target = f.target
                             AND l.run_id <= (SELECT r FROM lim)
                           ORDER BY l.run_id DESC LIMIT 1) AS last_status FROM f)
SELECT checklist, item, SUM(n) AS failures, COUNT(*), COUNT(*) FILTER (WHERE last_status IN (1, 2)) FROM last
GROUP BY checklist, item ORDER BY failures DESC, checklist, item LIMIT ?3)sql");
    bind_period(q, p);
    q.bind(3, static_cast<std::int64_t>(limit));
    while (q.step()) {
        FailedItem f;
        f.checklist = q.column(0).as_string();
        f.item = q.column(1).as_string();
        f.failures = q.column(2).as_int64();
        f.targets = q.column(3).as_int64();
        f.still_failing = q.column(4).as_int64();
        out.push_back(std::move(f));
    }
    return out;
}

std::vector<PendingResult> pending_results(Database& db, const ReportPeriod& p, std::int64_t limit) {
    if (!report_table_exists(db, "inspect_runs")) {
        return {};
    }
    // Unanswered now (inspect_results_status) or answered at or after the period's end
    // (inspect_results_recorded), then kept when their run started in the period: two short
    // index ranges, where the period's runs held 144,000 results on the bench database.
    Statement q(db, R"sql(
WITH p AS (SELECT id FROM inspect_results WHERE status IS NULL
           UNION ALL SELECT id FROM inspect_results WHERE recorded_at >= ?2 AND status IS NOT NULL)
SELECT r.run_id, r.checklist, r.item, r.target, u.started_at, COUNT(*) OVER ()
FROM p CROSS JOIN inspect_results r CROSS JOIN inspect_runs u
WHERE r.id = p.id AND u.id = r.run_id AND r.kind = 'manual' AND u.started_at >= ?1 AND u.started_at < ?2
ORDER BY u.started_at, r.run_id, r.item, r.target LIMIT ?3)sql");
    bind_period(q, p);
    q.bind(3, static_cast<std::int64_t>(limit));
    return read_pending(q);
}

std::map<std::string, std::int64_t> last_inspect_run_before(Database& db, std::int64_t end) {
    std::map<std::string, std::int64_t> out;
    if (!report_table_exists(db, "inspect_runs")) {
        return out;
    }
    // MAX per group is one seek per checklist on inspect_runs_checklist_started.
    Statement q(db, "SELECT checklist, MAX(started_at) FROM inspect_runs WHERE started_at < ?1 GROUP BY checklist");
    q.bind(1, static_cast<std::int64_t>(end));
    while (q.step()) {
        out[q.column(0).as_string()] = q.column(1).as_int64();
    }
    return out;
}

std::vector<FailingResult> failing_results_at(Database& db, std::int64_t at, std::int64_t limit) {
    std::vector<FailingResult> out;
    if (!report_table_exists(db, "inspect_runs")) {
        return out;
    }
    // As inspect_repo's failing_inspect_results() reads "now", bounded by the newest run
    // started before `at` (run ids grow with time). A check is a (checklist, item, target)
    // key of inspect_results_item: the keys are walked one seek each, and each key's latest
    // result is one more. Taking the candidates from the failing statuses instead read every
    // failing result ever kept (22,000 rows on the bench database, for 200 keys).
    Statement lim(db, "SELECT COALESCE(MAX(id), 0) FROM inspect_runs WHERE started_at < ?1");
    lim.bind(1, static_cast<std::int64_t>(at));
    lim.step();
    const std::int64_t last_run = lim.column(0).as_int64();
    // The next key after (c, i, t) is the first entry past it at the deepest level that has
    // one: a row value comparison `(checklist, item, target) > (...)` is not one seek in
    // SQLite 3.40 (it scanned the index from the checklist on: minutes on the bench database).
    Statement first(db, "SELECT checklist, item, target FROM inspect_results "
                        "ORDER BY checklist, item, target LIMIT 1");
    Statement next_target(db, "SELECT checklist, item, target FROM inspect_results "
                              "WHERE checklist = ?1 AND item = ?2 AND target > ?3 "
                              "ORDER BY checklist, item, target LIMIT 1");
    Statement next_item(db, "SELECT checklist, item, target FROM inspect_results "
                            "WHERE checklist = ?1 AND item > ?2 ORDER BY checklist, item, target LIMIT 1");
    Statement next_checklist(db, "SELECT checklist, item, target FROM inspect_results "
                                 "WHERE checklist > ?1 ORDER BY checklist, item, target LIMIT 1");
    Statement latest(db, R"sql(
SELECT r.run_id, r.status, COALESCE(r.message, ''), u.started_at
FROM inspect_results r CROSS JOIN inspect_runs u
WHERE u.id = r.run_id AND r.checklist = ?1 AND r.item = ?2 AND r.target = ?3 AND r.run_id <= ?4
  AND r.status IN (1, 2) AND (r.kind <> 'manual' OR r.recorded_at < ?5)
  AND r.run_id = (SELECT MAX(x.run_id) FROM inspect_results x
                  WHERE x.checklist = ?1 AND x.item = ?2 AND x.target = ?3 AND x.run_id <= ?4))sql");
    latest.bind(4, last_run);
    latest.bind(5, static_cast<std::int64_t>(at));
    std::string checklist, item, target;
    // The key after the current one, or false past the last.
    auto advance = [&](bool initial) {
        if (initial) {
            if (!first.step()) {
                return false;
            }
            checklist = first.column(0).as_string();
            item = first.column(1).as_string();
            target = first.column(2).as_string();
            return true;
        }
        for (auto* q : {&next_target, &next_item, &next_checklist}) {
            q->reset();
            q->bind(1, checklist);
            if (q != &next_checklist) {
                q->bind(2, item);
            }
            if (q == &next_target) {
                q->bind(3, target);
            }
            if (q->step()) {
                checklist = q->column(0).as_string();
                item = q->column(1).as_string();
                target = q->column(2).as_string();
                return true;
            }
        }
        return false;
    };
    for (bool more = advance(true); more; more = advance(false)) {
        latest.reset();
        latest.bind(1, checklist);
        latest.bind(2, item);
        latest.bind(3, target);
        if (latest.step()) {
            FailingResult f;
            f.run_id = latest.column(0).as_int64();
            f.checklist = checklist;
            f.item = item;
            f.target = target;
            f.status = latest.column(1).as_int();
            f.message = latest.column(2).as_string();
            f.started_at = latest.column(3).as_int64();
            out.push_back(std::move(f));
        }
    }
    std::sort(out.begin(), out.end(), [](const FailingResult& a, const FailingResult& b) {
        return std::tie(b.status, a.started_at, a.checklist, a.item, a.target) <
               std::tie(a.status, b.started_at, b.checklist, b.item, b.target);
    });
    const auto total = static_cast<std::int64_t>(out.size());
    if (limit >= 0 && total > limit) {
        out.resize(static_cast<std::size_t>(limit));
    }
    for (auto& f : out) {
        f.total = total;
    }
    return out;
}

std::vector<PendingResult> pending_results_at(Database& db, std::int64_t at, std::int64_t limit) {
    if (!report_table_exists(db, "inspect_runs")) {
        return {};
    }
    // Unanswered now (inspect_results_status) or answered at or after `at`
    // (inspect_results_recorded): two index ranges instead of a scan of every result.
    Statement q(db, R"sql(
WITH lim AS (SELECT COALESCE(MAX(id), 0) AS r FROM inspect_runs WHERE started_at < ?1),
     p AS (SELECT id FROM inspect_results WHERE status IS NULL AND kind = 'manual'
           UNION ALL SELECT id FROM inspect_results WHERE recorded_at >= ?1 AND kind = 'manual')
SELECT r.run_id, r.checklist, r.item, r.target, u.started_at, COUNT(*) OVER ()
FROM p CROSS JOIN inspect_results r CROSS JOIN inspect_runs u
WHERE r.id = p.id AND u.id = r.run_id AND r.run_id <= (SELECT r FROM lim)
ORDER BY u.started_at, r.run_id, r.item, r.target LIMIT ?2)sql");
    q.bind(1, static_cast<std::int64_t>(at));
    q.bind(2, limit < 0 ? std::int64_t{-1} : limit);
    return read_pending(q);
}

} // namespace opsctl::store
