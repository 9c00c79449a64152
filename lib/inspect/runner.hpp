#pragma once
// Running checklists: targets, concurrent items under timeouts, manual answers, recording
// the run, notify events and tickets for failures.

#include "lib/context/context.hpp"
#include "lib/policy/checklists.hpp"
#include "lib/util/template.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::inspect {

/// Where a checklist runs: this host, or one asset with its fields for {{asset.*}}.
struct Target {
    std::string name;                         // host name or asset tag
    std::map<std::string, std::string> vars;  // "target", "asset.tag", "asset.address", "asset.<field>", ...
};

/// The result of one item on one target.
struct ItemResult {
    std::string checklist;
    std::string item;
    std::string kind;
    std::string target;
    std::string title;
    std::optional<int> status; // nullopt: a manual item waiting for a person
    std::string message;
    std::string perfdata;
    std::string note;
    std::int64_t duration_ms = 0;
    std::int64_t result_id = 0;   // set when recorded
    std::string ticket;           // what happened about a ticket: "opened T-12", "commented on T-12"
};

/// One checklist's run.
struct ChecklistRun {
    std::int64_t run_id = 0; // 0 with --no-record
    std::string checklist;
    std::string title;
    std::int64_t started_at = 0;
    std::int64_t finished_at = 0;
    double seconds = 0;      // measured wall time
    int status = 0;          // worst answered status
    std::size_t targets = 0;
    std::vector<ItemResult> results;
    /// How many manual items are still pending.
    std::size_t pending() const;
};

/// Everything one `inspect run` did.
struct RunReport {
    std::vector<ChecklistRun> runs;
    int status = 0;                    // worst over all runs: the exit status
    std::vector<std::string> warnings; // e.g. a ticket that could not be opened
};

/// A person's answer to a manual item.
struct ManualAnswer {
    int status = 0;
    std::string note;
};

/// Asks a person about a manual item; nullopt leaves it pending.
using ManualAsker = std::function<std::optional<ManualAnswer>(const policy::Checklist&, const policy::ChecklistItem&,
                                                              const std::string& target)>;

/// How to run.
struct RunOptions {
    std::vector<std::string> checklists;
    std::string target;                 // only this target (host name or asset tag)
    int jobs = 4;                       // items at a time
    std::optional<int> timeout_ms;      // overrides every item's timeout
    bool record = true;                 // false: nothing is written (not even log positions)
    bool tickets = false;               // open tickets even where the checklist does not ask
    ManualAsker ask;                    // empty: manual items are recorded pending
};

/// Runs checklists; throws UsageError for an unknown checklist (listing the known ones) and
/// NotFound when --target matches nothing. Item failures are results, never exceptions.
RunReport run_checklists(Context& ctx, const RunOptions& options);

/// The targets of a checklist: this host, or each matching asset.
std::vector<Target> checklist_targets(Context& ctx, const policy::Checklist& checklist);

/// The item with {{...}} replaced from `vars` (lib/util/template.hpp): a shell command's values
/// shell-quoted, an argv's values one argument each, probe paths, hosts and URLs checked too;
/// names without a value are appended to `missing`, values refused as unsafe to `refused`.
policy::ChecklistItem substitute_item(const policy::ChecklistItem& item, const std::map<std::string, std::string>& vars,
                                      std::vector<std::string>& missing, std::vector<util::RefusedValue>& refused);

/// This host's name (without the domain), the target of checklists without `targets`.
std::string local_target_name();

} // namespace opsctl::inspect
