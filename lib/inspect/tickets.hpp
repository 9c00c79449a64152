#pragma once
// Links to other domains: tickets for failing items, assets as targets.

#include "lib/context/context.hpp"
#include "lib/inspect/runner.hpp"

#include <optional>
#include <string>
#include <vector>

namespace opsctl::inspect {

/// A result whose status changed between failing (WARNING/CRITICAL) and not failing.
struct Transition {
    std::size_t run = 0;              // index into RunReport::runs
    std::size_t result = 0;           // index into ChecklistRun::results
    std::optional<int> previous;      // the item's status in its previous run
};

/// The ticket source key of an item on a target: "inspect:<checklist>:<item>:<target>".
std::string ticket_source(const std::string& checklist, const std::string& item, const std::string& target);

/// Opens one ticket per failing (checklist, item, target), comments on it while it stays
/// open and fails again, and comments on recovery; for checklists with a `ticket` setting,
/// or all of them when `force`. Notes what it did in each result's `ticket`; problems go to
/// report.warnings and never fail the run.
void follow_up_tickets(Context& ctx, const std::vector<const policy::Checklist*>& lists, RunReport& report,
                       const std::vector<Transition>& transitions, bool force);

/// The targets of a per-asset checklist: each asset of its class and status, with
/// asset.tag, asset.address and asset.<field> set, plus `common`.
std::vector<Target> asset_targets(Context& ctx, const policy::Checklist& checklist,
                                  const std::map<std::string, std::string>& common);

} // namespace opsctl::inspect
