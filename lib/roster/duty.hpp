#pragma once
// Who is on duty: the roster schedule computed from the rotations, the shifts, the business
// calendar and the recorded overrides. Nothing of the schedule itself is stored.
//
// Callers load the policy sections roster, calendar and people (policy::section::k_roster |
// k_calendar | k_people); without the calendar every Monday..Friday counts as a workday.

#include "lib/context/context.hpp"
#include "lib/core/date.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::roster {

/// One stretch of one shift that one person covers for one rotation, [start, end) in Unix
/// seconds. A shift is cut where the rotation hands over and where an override begins or ends.
struct Duty {
    std::string rotation, shift, person;
    std::int64_t start = 0, end = 0;
    bool overridden = false;
    std::string scheduled; // whom the rotation itself puts here (== person unless overridden)
    std::int64_t override_id = 0; // the override that put `person` here; 0 when none
    core::Date date;              // the local date the shift belongs to (the one it starts on)
};

/// Everyone on duty at `at`, in rotation policy order; only `rotation` when given (throws
/// NotFound for an unknown rotation), only the rotations of `team` when given (throws for a
/// team the policy does not define).
std::vector<Duty> on_duty(const Context& ctx, std::int64_t at, const std::string& rotation = {},
                          const std::string& team = {});

/// The person on duty for `team` at `at`: the first rotation of that team (policy order) with
/// someone on duty; nullopt when the team has no rotation or nobody is on duty.
std::optional<std::string> on_duty_for_team(const Context& ctx, const std::string& team,
                                            std::int64_t at);

/// The longest span schedule() expands: 1,096 days (three years); a longer one is refused
/// (DataError), so that `--to 9999-12-31` cannot fill memory with duties.
inline constexpr std::int64_t k_max_schedule_days = 1096;

/// The final schedule (rotations plus overrides): every duty that overlaps [from, to), whole
/// (not clipped), ordered by start and then rotation policy order; only `rotation` when given
/// (throws NotFound for an unknown rotation), only the duties of `person` when given (throws
/// NotFound for someone the policy does not know).
std::vector<Duty> schedule(const Context& ctx, std::int64_t from, std::int64_t to,
                           const std::string& rotation = {}, const std::string& person = {});

/// Throws NotFound naming the known rotations when `rotation` is not in the policy.
void require_rotation(const Context& ctx, const std::string& rotation);

} // namespace opsctl::roster
