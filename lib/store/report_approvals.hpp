#pragma once
// The review's approval figures over ticket_approvals (see schema_access.cpp): decisions made
// in a period, and the emergency moves still awaiting their retrospective approval at an
// instant, read from the records as they stood then.

#include "lib/store/report_common.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace opsctl::store {

/// True when ticket_approvals exists and holds a decision made before `until`.
bool report_has_approvals(Database& db, std::int64_t until);

/// One person's decisions in a period.
struct ApprovalCounts {
    std::string person;
    std::int64_t approved = 0;      // approvals given before the move
    std::int64_t rejected = 0;      // rejections, before or after an emergency move
    std::int64_t retrospective = 0; // approvals given after an emergency move
    std::int64_t emergency = 0;     // tickets this person moved past an approval as an emergency
};
/// Decisions made in [p.start, p.end) per person, by person id.
std::vector<ApprovalCounts> approval_counts(Database& db, const ReportPeriod& p);

/// One decision (or emergency move) with its ticket; `total` counts all of the query's rows
/// before the limit.
struct ApprovalDecisionRow {
    std::int64_t total = 0;
    std::int64_t id = 0, ticket_id = 0;
    std::string type, priority, title;
    std::string state, person, decision, reason;
    bool retrospective = false;
    std::int64_t at = 0;
};
/// Decisions made in [p.start, p.end), oldest first, at most `limit` (-1: all).
std::vector<ApprovalDecisionRow> approval_decisions(Database& db, const ReportPeriod& p, std::int64_t limit);
/// Emergency moves made before `at` whose retrospective approval had not reached its quorum
/// by then, oldest first, at most `limit` (-1: all). An emergency is settled at its last
/// retrospective approval (the one that met the quorum and closed it), so one settled after
/// `at` still counts: the answer does not change with what was done later.
std::vector<ApprovalDecisionRow> emergencies_awaiting(Database& db, std::int64_t at, std::int64_t limit);
/// Tickets created in [p.start, p.end) of one of `types`.
std::int64_t tickets_opened_of_types(Database& db, const ReportPeriod& p, const std::vector<std::string>& types);

} // namespace opsctl::store
