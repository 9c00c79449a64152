#pragma once
// The targets the review's key figures are marked against (met / missed). The policy has no
// keys for them yet; they are the service levels the sample policy's seed documents ask for,
// and opsctl-report(1) lists them.

namespace opsctl::report {

inline constexpr double k_target_response_sla = 95.0;     // % of response deadlines met
inline constexpr double k_target_resolution_sla = 90.0;   // % of resolution deadlines met
inline constexpr double k_target_top_priority_sla = 95.0; // % of top-priority resolution deadlines met
inline constexpr double k_target_inspection_pass = 95.0;  // % of checklist runs that passed
inline constexpr double k_target_backup_success = 100.0;  // % of backup runs that succeeded
inline constexpr double k_target_maintenance_done = 90.0; // % of due maintenance done
inline constexpr double k_target_gap_hours = 0.0;         // hours with nobody on duty (a ceiling)

} // namespace opsctl::report
