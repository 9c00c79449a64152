#pragma once
// The review's roster aggregates over what the roster stores: handovers, overrides and
// check-ins. (The schedule itself is computed from the policy by lib/roster.)

#include "lib/store/report_common.hpp"

#include <map>
#include <string>

namespace opsctl::store {

/// Counts of roster records in a period.
struct RosterCounts {
    std::int64_t handovers = 0;        // handovers made in the period
    std::int64_t overrides = 0;        // overrides whose cover starts in the period
    std::int64_t checkins = 0;         // check-ins in the period
};

/// Counts of the period; zeros when the roster tables do not exist.
RosterCounts roster_counts(Database& db, const ReportPeriod& p);
/// Handovers made in the period per person handing over.
std::map<std::string, std::int64_t> handovers_by_person(Database& db, const ReportPeriod& p);

} // namespace opsctl::store
