#include "lib/store/report_paging.hpp"

#include "lib/store/statement.hpp"

#include <string>

namespace opsctl::store {

bool report_has_pages(Database& db, std::int64_t until) {
    if (!report_table_exists(db, "pages")) {
        return false;
    }
    Statement q(db, "SELECT EXISTS (SELECT 1 FROM pages WHERE opened_at < ?1)");
    q.bind(1, until);
    return q.step() && q.column(0).as_int64() != 0;
}

std::vector<PagingCounts> paging_counts(Database& db, const ReportPeriod& p, std::int64_t until, bool per_person) {
    std::vector<PagingCounts> out;
    if (!report_table_exists(db, "pages")) {
        return out;
    }
    // The median in SQL: each answered page's rank among its group's answered pages (the
    // unanswered ones in a partition of their own), then the mean of the one or two middle
    // ones. Pages are few (one per P1, CRITICAL check or failed backup), and none has its
    // first step before it opens: the scan of opened_at is over a small table.
    const std::string by = per_person ? "who, " : "";
    const std::string sql = R"sql(
WITH p AS (
    SELECT CASE WHEN acked_at IS NOT NULL AND acked_at < ?3 THEN acked_by ELSE person END AS who,
           CASE WHEN acked_at IS NOT NULL AND acked_at < ?3 THEN acked_at - opened_at END AS tta,
           step
    FROM pages WHERE opened_at >= ?1 AND opened_at < ?2
), r AS (
    SELECT who, tta, step,
           ROW_NUMBER() OVER (PARTITION BY )sql" + by + R"sql((tta IS NULL) ORDER BY tta) AS rn,
           COUNT(tta) OVER ()sql" + (per_person ? "PARTITION BY who" : "") + R"sql() AS n
    FROM p
)
SELECT )sql" + (per_person ? "who" : "''") + R"sql(, COUNT(*), COUNT(tta),
       CAST(AVG(CASE WHEN tta IS NOT NULL AND rn IN ((n + 1) / 2, (n + 2) / 2) THEN tta END) AS DOUBLE PRECISION),
       MAX(tta),
       COUNT(*) FILTER (WHERE step > 1),
       COUNT(*) FILTER (WHERE tta IS NULL)
FROM r)sql" + (per_person ? " GROUP BY who ORDER BY who" : "");
    Statement q(db, sql);
    q.bind(1, p.start);
    q.bind(2, p.end);
    q.bind(3, until);
    while (q.step()) {
        PagingCounts c;
        c.person = column_text(q, 0);
        c.pages = q.column(1).as_int64();
        c.acknowledged = q.column(2).as_int64();
        if (!q.column(3).is_null()) {
            c.median_seconds = q.column(3).as_double();
        }
        c.worst_seconds = column_int(q, 4);
        c.escalated = q.column(5).as_int64();
        c.unanswered = q.column(6).as_int64();
        out.push_back(std::move(c));
    }
    return out;
}

} // namespace opsctl::store
