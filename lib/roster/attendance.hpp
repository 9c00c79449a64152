#pragma once
// Attendance: check-in and check-out by the acting user, and the monthly attendance sheet.

#include "lib/context/context.hpp"
#include "lib/store/roster_repo.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace opsctl::roster {

/// One check-in, closed by a check-out.
using Attendance = store::AttendanceRow;

/// Checks the acting user in at ctx.now. Throws NotFound when the actor is not a person of the
/// policy, DataError when already checked in.
Attendance check_in(const Context& ctx, const std::string& note = {});
/// Checks the acting user out at ctx.now; throws DataError when not checked in.
Attendance check_out(const Context& ctx);

/// One person's attendance over a period (seconds clipped to the period).
struct AttendanceSummary {
    std::string person;
    std::int64_t scheduled_seconds = 0; // duty time in the final schedule
    std::int64_t checked_in_seconds = 0; // time checked in (an open check-in runs until now)
    std::int64_t turns = 0;   // stretches of duty begun by now (back-to-back duties are one)
    std::int64_t late = 0;    // turns first checked into later than roster.late_after
    std::int64_t missed = 0;  // turns begun by now without any check-in during them
};

/// The attendance sheet for [from, to): everyone scheduled or checked in, by person id.
std::vector<AttendanceSummary> attendance(const Context& ctx, std::int64_t from, std::int64_t to);

} // namespace opsctl::roster
