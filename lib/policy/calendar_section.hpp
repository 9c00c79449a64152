#pragma once
// The `calendar` section: working days and hours, holidays, make-up working days.

#include "lib/core/calendar.hpp"
#include "lib/policy/origin.hpp"

namespace opsctl::policy {

/// The business calendar as written in the policy.
struct CalendarPolicy {
    core::CalendarSpec spec;
    Origin origin;
};

} // namespace opsctl::policy
