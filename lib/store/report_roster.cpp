#include "lib/store/report_roster.hpp"

namespace opsctl::store {

RosterCounts roster_counts(Database& db, const ReportPeriod& p) {
    RosterCounts c;
    if (!report_table_exists(db, "roster_handovers")) {
        return c;
    }
    Statement q(db, R"sql(
SELECT (SELECT COUNT(*) FROM roster_handovers WHERE at >= ?1 AND at < ?2),
       (SELECT COUNT(*) FROM roster_overrides WHERE starts_at >= ?1 AND starts_at < ?2),
       (SELECT COUNT(*) FROM roster_attendance WHERE checkin_at >= ?1 AND checkin_at < ?2))sql");
    q.bind(1, static_cast<std::int64_t>(p.start));
    q.bind(2, static_cast<std::int64_t>(p.end));
    q.step();
    c.handovers = q.column(0).as_int64();
    c.overrides = q.column(1).as_int64();
    c.checkins = q.column(2).as_int64();
    return c;
}

std::map<std::string, std::int64_t> handovers_by_person(Database& db, const ReportPeriod& p) {
    std::map<std::string, std::int64_t> out;
    if (!report_table_exists(db, "roster_handovers")) {
        return out;
    }
    Statement q(db, "SELECT from_person, COUNT(*) FROM roster_handovers "
                    "WHERE at >= ?1 AND at < ?2 GROUP BY from_person");
    q.bind(1, static_cast<std::int64_t>(p.start));
    q.bind(2, static_cast<std::int64_t>(p.end));
    while (q.step()) {
        out[q.column(0).as_string()] = q.column(1).as_int64();
    }
    return out;
}

} // namespace opsctl::store
