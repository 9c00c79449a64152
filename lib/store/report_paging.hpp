#pragma once
// The review's paging figures over pages (schema_notify.cpp): pages opened in a period, how
// many were acknowledged by its end and how fast, how many escalated past the first person and
// how many nobody answered, in all and per person.

#include "lib/store/report_common.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::store {

/// The pages of a period, in all (person "") or those that ended with one person: the one who
/// acknowledged the page, or, for a page nobody had acknowledged by `until`, the one paged last.
struct PagingCounts {
    std::string person;
    std::int64_t pages = 0;
    std::int64_t acknowledged = 0;  // acknowledged before `until`
    std::optional<double> median_seconds; // from opening to acknowledgement, over those
    std::optional<std::int64_t> worst_seconds;
    std::int64_t escalated = 0;     // paged past the first level
    std::int64_t unanswered = 0;    // not acknowledged before `until`
};

/// True when pages exists and holds a page opened before `until`.
bool report_has_pages(Database& db, std::int64_t until);

/// The pages opened in [p.start, p.end) as they stood at `until`: in all (one row, also for
/// none), or per person, by person id.
std::vector<PagingCounts> paging_counts(Database& db, const ReportPeriod& p, std::int64_t until, bool per_person);

} // namespace opsctl::store
