#include "lib/store/migrations.hpp"
#include "lib/store/tally.hpp"

#include <string>

namespace opsctl::store {

// The review's year of months (report_trends.cpp) counted tickets opened, closed and due in
// each month by walking index ranges: four index entries per ticket of the year, 449 M of the
// review's 2,421 M instructions on the bench database. ticket_tally keeps those counts per hour,
// maintained by triggers in the same statement as the ticket row, so that no writer, the
// sqlite3 shell included, can leave it behind. A month is then a sum of about 730 rows per
// measure, and only its edges that do not fall on the hour (the month in progress ends now;
// a zone at :30 or :45) are counted from the indexes.
//
// measure 0: created_at; 1: closed_at; 2: response_due_at, met when responded_at is not later;
// 3: resolution_due_at, met when the resolution (else the closing) is not later. The bucket is
// the hour's first second, rounded down also before 1970.
const char* schema_tally() {
    static const std::string k_sql = std::string(R"sql(
CREATE TABLE ticket_tally (
    measure INTEGER NOT NULL,
    bucket  INTEGER NOT NULL,
    n       INTEGER NOT NULL,
    met     INTEGER NOT NULL,
    PRIMARY KEY (measure, bucket)
) WITHOUT ROWID;

CREATE TRIGGER tickets_tally_insert AFTER INSERT ON tickets BEGIN
INSERT INTO ticket_tally (measure, bucket, n, met)
SELECT measure, at - ((at % 3600) + 3600) % 3600, 1, met FROM (
              SELECT 0 AS measure, NEW.created_at AS at, 0 AS met
    UNION ALL SELECT 1, NEW.closed_at, 0
    UNION ALL SELECT 2, NEW.response_due_at, COALESCE(NEW.responded_at <= NEW.response_due_at, 0)
    UNION ALL SELECT 3, NEW.resolution_due_at,
                     COALESCE(COALESCE(NEW.resolved_at, NEW.closed_at) <= NEW.resolution_due_at, 0)
) AS v WHERE at IS NOT NULL
ON CONFLICT (measure, bucket) DO UPDATE SET n = n + 1, met = met + excluded.met;
END;

CREATE TRIGGER tickets_tally_delete AFTER DELETE ON tickets BEGIN
INSERT INTO ticket_tally (measure, bucket, n, met)
SELECT measure, at - ((at % 3600) + 3600) % 3600, -1, -met FROM (
              SELECT 0 AS measure, OLD.created_at AS at, 0 AS met
    UNION ALL SELECT 1, OLD.closed_at, 0
    UNION ALL SELECT 2, OLD.response_due_at, COALESCE(OLD.responded_at <= OLD.response_due_at, 0)
    UNION ALL SELECT 3, OLD.resolution_due_at,
                     COALESCE(COALESCE(OLD.resolved_at, OLD.closed_at) <= OLD.resolution_due_at, 0)
) AS v WHERE at IS NOT NULL
ON CONFLICT (measure, bucket) DO UPDATE SET n = n - 1, met = met + excluded.met;
END;

-- Only when a counted column is set; the old and the new contributions net out, so an update
-- that moves nothing between buckets writes nothing.
CREATE TRIGGER tickets_tally_update
AFTER UPDATE OF created_at, closed_at, response_due_at, responded_at, resolution_due_at, resolved_at ON tickets BEGIN
INSERT INTO ticket_tally (measure, bucket, n, met)
SELECT measure, bucket, SUM(n), SUM(met) FROM (
    SELECT measure, at - ((at % 3600) + 3600) % 3600 AS bucket, n, met FROM (
                  SELECT 0 AS measure, OLD.created_at AS at, -1 AS n, 0 AS met
        UNION ALL SELECT 1, OLD.closed_at, -1, 0
        UNION ALL SELECT 2, OLD.response_due_at, -1, -COALESCE(OLD.responded_at <= OLD.response_due_at, 0)
        UNION ALL SELECT 3, OLD.resolution_due_at, -1,
                         -COALESCE(COALESCE(OLD.resolved_at, OLD.closed_at) <= OLD.resolution_due_at, 0)
        UNION ALL SELECT 0, NEW.created_at, 1, 0
        UNION ALL SELECT 1, NEW.closed_at, 1, 0
        UNION ALL SELECT 2, NEW.response_due_at, 1, COALESCE(NEW.responded_at <= NEW.response_due_at, 0)
        UNION ALL SELECT 3, NEW.resolution_due_at, 1,
                         COALESCE(COALESCE(NEW.resolved_at, NEW.closed_at) <= NEW.resolution_due_at, 0)
    ) AS v WHERE at IS NOT NULL
) AS d GROUP BY measure, bucket HAVING SUM(n) <> 0 OR SUM(met) <> 0
ON CONFLICT (measure, bucket) DO UPDATE SET n = n + excluded.n, met = met + excluded.met;
END;

-- The month's tickets by type, complaint kind and asset (the review's ticket and approval
-- sections) are counted from this index alone, without reading a ticket row: 163 M -> under 60 M
-- instructions on the bench database. It keeps its name and first column.
DROP INDEX tickets_created;
CREATE INDEX tickets_created ON tickets(created_at, type, closed_at, complaint_type, asset);
)sql") + // the tickets already there
                                     "INSERT INTO ticket_tally (measure, bucket, n, met) " + tally_recount_sql() + ";\n";
    return k_sql.c_str();
}

} // namespace opsctl::store
