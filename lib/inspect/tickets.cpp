#include "lib/inspect/tickets.hpp"

#include "lib/core/error.hpp"

#include <fmt/format.h>

namespace opsctl::inspect {

std::string ticket_source(const std::string& checklist, const std::string& item, const std::string& target) {
    return fmt::format("inspect:{}:{}:{}", checklist, item, target);
}

void follow_up_tickets(Context&, const std::vector<const policy::Checklist*>& lists, RunReport& report,
                       const std::vector<Transition>&, bool force) {
    // The ticket service is not part of this build yet: say so once when --ticket asked for it.
    static const std::string k_missing = "tickets for failed items are not available in this build";
    for (std::size_t i = 0; i < lists.size() && force; ++i) {
        {
            for (const auto& r : report.runs[i].results) {
                if (r.status && (*r.status == 1 || *r.status == 2)) {
                    report.warnings.push_back(k_missing);
                    return;
                }
            }
        }
    }
}

std::vector<Target> asset_targets(Context&, const policy::Checklist& checklist,
                                  const std::map<std::string, std::string>&) {
    throw ConfigError(fmt::format("checklist '{}' runs per asset, but this build has no asset register",
                                  checklist.name),
                      "remove 'targets' from the checklist");
}

} // namespace opsctl::inspect
