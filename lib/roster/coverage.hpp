#pragma once
// Coverage and fairness of the roster over a period: gaps with nobody on duty, and each
// person's load. `report monthly` calls these for its roster section.

#include "lib/context/context.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace opsctl::roster {

/// A span [start, end) in which nobody is on duty in the rotations considered.
struct Gap {
    std::int64_t start = 0;
    std::int64_t end = 0;
};

/// Which rotations a coverage question is about: one rotation, one team's rotations, or all.
struct Scope {
    std::string rotation;
    std::string team;
};

/// The spans of [from, to) in which no rotation of `scope` has anyone on duty (a span covered
/// by any rotation is not a gap). Throws NotFound for an unknown rotation or a team without
/// rotations.
std::vector<Gap> gaps(const Context& ctx, std::int64_t from, std::int64_t to, const Scope& scope = {});

/// One person's duty in a period (durations in seconds, clipped to the period).
struct PersonLoad {
    std::string person;
    std::int64_t shifts = 0;           // duties that overlap the period
    std::int64_t seconds = 0;          // all duty time
    std::int64_t night_seconds = 0;    // inside roster.night ("22:00-06:00")
    std::int64_t holiday_seconds = 0;  // on public holidays
    std::int64_t offday_seconds = 0;   // on days the calendar leaves off (weekends and holidays)
    double share = 0;                  // seconds / everyone's seconds
    double vs_average = 0;             // seconds / the average of the people listed (1.0 = fair)
};

/// Per-person load over [from, to) for the rotations of `scope`: every member of those
/// rotations is listed (with zeros when off the whole period), plus anyone who covered by an
/// override, sorted by person id.
std::vector<PersonLoad> load(const Context& ctx, std::int64_t from, std::int64_t to, const Scope& scope = {});

} // namespace opsctl::roster
