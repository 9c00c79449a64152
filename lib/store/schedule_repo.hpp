#pragma once
// The periods of scheduled work that were opened as tickets (table ticket_schedule_runs).

#include "lib/store/database.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace opsctl::store {

/// One period of one schedule (and asset) opened as a ticket.
struct ScheduleRunRow {
    std::string schedule;
    std::string period; // nominal date YYYY-MM-DD
    std::string target; // asset tag; "" for a schedule without assets
    std::string due_on; // YYYY-MM-DD
    std::int64_t ticket_id = 0;
    std::int64_t opened_at = 0;
};

/// The ticket opened for this period of this schedule and target, if any.
std::optional<std::int64_t> schedule_period_ticket(Database& db, const std::string& schedule, const std::string& target,
                                                   const std::string& period);
/// Records an opened period (inside the write transaction that opened its ticket).
void insert_schedule_run(Database& db, const ScheduleRunRow& row);
/// The newest period opened for this schedule and target; nullopt when none was.
std::optional<std::string> last_schedule_period(Database& db, const std::string& schedule, const std::string& target);
/// The newest period opened per schedule, over all its targets.
std::map<std::string, std::string> last_schedule_periods(Database& db);

} // namespace opsctl::store
