#pragma once
// Which backups a `keep` policy keeps, with the meaning restic (`forget --keep-*`) and borg
// (`prune --keep-*`) give it. Pure: no files, no database.

#include "lib/core/zone.hpp"
#include "lib/policy/backups.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace opsctl::backup {

/// One backup considered for retention.
struct RetentionItem {
    std::int64_t id = 0;
    std::int64_t time = 0; // Unix seconds; its period (day, ISO week, ...) is taken in the zone
};

/// Whether one backup is kept, and by which rules ("last", "daily", "weekly", ...).
struct RetentionDecision {
    std::int64_t id = 0;
    bool keep = false;
    std::vector<std::string> reasons;
};

/// Walks the backups from the newest: for each rule, a backup is kept when its period
/// (hour, day, ISO week, month, year; for `last`, each backup) differs from that of the
/// last backup the rule kept, until the rule's count is used up. Returns one decision per
/// item in newest-first order, whatever order `items` came in. With no rule set, all are kept.
std::vector<RetentionDecision> select_retention(std::vector<RetentionItem> items, const policy::KeepRules& keep,
                                                const core::Zone& zone);

} // namespace opsctl::backup
