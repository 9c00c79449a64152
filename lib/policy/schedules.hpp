#pragma once
// The `schedules` section: recurring work that `ticket schedule run` opens as tickets (a monthly
// UPS test, a quarterly password rotation, the yearly fire-equipment check).

#include "lib/core/cadence.hpp"
#include "lib/policy/origin.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::policy {

/// Which assets a schedule opens one ticket each for.
struct ScheduleAssets {
    std::string asset_class; // empty: every class
    std::string status = "in_use";
    std::string location;    // empty: every location
};

/// How a run that finds several periods due (cron missed a week) opens them.
enum class CatchUp {
    all,    // one ticket per missed period, oldest first
    latest, // only the newest period; the missed ones are left
};

/// One piece of scheduled work: a ticket template and a cadence on the business calendar.
struct Schedule {
    std::string name;
    std::string title;    // {{period}}, {{due}}, {{schedule}}, {{asset}}, {{asset.name}} are filled in
    std::string body;     // the same placeholders
    std::string type;     // empty: tickets.default_type
    std::string priority; // empty: the type's
    std::string assignee; // a person; or
    std::string rotation; // whoever is on duty in this rotation when the ticket opens;
                          // neither: whoever is on duty for the type's team
    std::string asset;    // one asset tag; or
    std::optional<ScheduleAssets> assets; // one ticket per selected asset
    core::Cadence cadence;
    CatchUp catch_up = CatchUp::all;
    Origin origin;
};

/// Validated `schedules` policy: schedules by name.
struct SchedulePolicy {
    std::map<std::string, Schedule> schedules;
    std::size_t count() const { return schedules.size(); }
    /// Every schedule name, sorted.
    std::vector<std::string> names() const;
};

/// "all" or "latest".
const char* catch_up_name(CatchUp mode);

} // namespace opsctl::policy
