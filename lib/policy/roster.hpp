#pragma once
// The `roster` section: shifts (when someone must be on duty) and rotations (who, in turn).

#include "lib/core/calendar.hpp"
#include "lib/policy/origin.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace opsctl::policy {

/// Which dates a shift runs on, before holidays are considered.
enum class ShiftDays {
    workdays, // the business calendar's working days, make-up workdays included
    offdays,  // the days the business calendar leaves off (weekends, holidays)
    every_day,
    weekdays, // the ISO weekdays in Shift::weekdays
};

/// A span of the day that must be staffed, on some days. A shift whose end is at or before
/// its start runs over midnight and belongs to the date it starts on ("17:30-08:30").
struct Shift {
    std::string name;
    int start = 0; // seconds from local midnight, 0..86399
    int end = 0;   // seconds from the start date's midnight, start < end <= start + 86400
    ShiftDays days = ShiftDays::workdays;
    std::set<int> weekdays;     // ISO 1..7, for ShiftDays::weekdays
    bool cover_holidays = false; // true: runs on public holidays too; false: holidays are off
    Origin origin;

    /// Length of the shift as written (DST ignored), in seconds.
    int length() const { return end - start; }
};

/// People taking a team's shifts in turn: members[0] from `start`, then each turn of `length`
/// days handed to the next member at `handoff_time` (on `handoff_weekday` for weekly turns).
struct Rotation {
    std::string name;
    std::string team;
    std::vector<std::string> shifts;  // shift names, each defined in `roster.shifts`
    std::vector<std::string> members; // people ids in turn order; one may appear twice
    int length_days = 7;
    std::optional<int> handoff_weekday; // ISO 1..7; absent for turns that are not whole weeks
    int handoff_time = 0;               // seconds from local midnight
    core::Date start;                   // the first member's first turn begins at handoff_time
    Origin origin;
};

/// Validated `roster` policy.
struct RosterPolicy {
    std::vector<Shift> shifts;        // in policy order
    std::vector<Rotation> rotations;  // in policy order (the first of a team is its primary)
    core::WorkSpan night{22 * 3600, 30 * 3600}; // what counts as night hours in `roster load`
    std::int64_t late_after = 600;    // a check-in later than this after a shift's start is late

    std::size_t count() const { return shifts.size() + rotations.size(); }
    /// The shift named `name`, or nullptr.
    const Shift* shift(const std::string& name) const;
    /// The rotation named `name`, or nullptr.
    const Rotation* rotation(const std::string& name) const;
    /// The rotation names, in policy order.
    std::vector<std::string> rotation_names() const;
};

} // namespace opsctl::policy
