#pragma once
// Sane limits for ids and times that come from outside (imports, the command line): values
// past them are mistakes or attacks, and would exhaust numbering or make clocks run for ages.

#include <cstdint>

namespace opsctl::core {

/// The largest id an import file or a command line may give a record: 999,999,999. Ids
/// above it are refused, so numbering (the largest id + 1) can never run out.
inline constexpr std::int64_t k_max_given_id = 999'999'999;

/// The earliest time a record may carry: 2000-01-01T00:00:00Z.
inline constexpr std::int64_t k_earliest_time = 946'684'800;

/// How far past "now" a recorded time may lie: one day (clocks of other systems drift).
inline constexpr std::int64_t k_future_slack = 86'400;

} // namespace opsctl::core
