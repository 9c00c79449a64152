#include "lib/store/tally.hpp"

#include "lib/store/database.hpp"
#include "lib/store/statement.hpp"

namespace opsctl::store {

const char* tally_recount_sql() {
    return "SELECT measure, at - ((at % 3600) + 3600) % 3600 AS bucket, COUNT(*) AS n, SUM(met) AS met FROM ("
           "SELECT 0 AS measure, created_at AS at, 0 AS met FROM tickets "
           "UNION ALL SELECT 1, closed_at, 0 FROM tickets "
           "UNION ALL SELECT 2, response_due_at, CASE WHEN responded_at <= response_due_at THEN 1 ELSE 0 END "
           "FROM tickets "
           "UNION ALL SELECT 3, resolution_due_at, "
           "CASE WHEN COALESCE(resolved_at, closed_at) <= resolution_due_at THEN 1 ELSE 0 END FROM tickets"
           ") AS v WHERE at IS NOT NULL GROUP BY measure, at - ((at % 3600) + 3600) % 3600";
}

std::int64_t tally_differences(Database& db) {
    // Buckets that a delete emptied keep a row of zeros: not a difference.
    Statement q(db, std::string("WITH want AS (") + tally_recount_sql() +
                        "), have AS (SELECT measure, bucket, n, met FROM ticket_tally WHERE n <> 0 OR met <> 0) "
                        "SELECT (SELECT COUNT(*) FROM (SELECT * FROM want EXCEPT SELECT * FROM have) AS a) + "
                        "(SELECT COUNT(*) FROM (SELECT * FROM have EXCEPT SELECT * FROM want) AS b)");
    q.step();
    return q.column(0).as_int64();
}

void rebuild_tally(Database& db) {
    Statement(db, "DELETE FROM ticket_tally").exec();
    Statement(db, std::string("INSERT INTO ticket_tally (measure, bucket, n, met) ") + tally_recount_sql()).exec();
}

} // namespace opsctl::store
