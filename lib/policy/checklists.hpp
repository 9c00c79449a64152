#pragma once
// The `checklists` section.

#include "lib/policy/origin.hpp"

#include <cstddef>

namespace opsctl::policy {

/// Validated `checklists` policy. Accepted but not yet interpreted.
struct ChecklistPolicy {
    std::size_t count() const { return 0; }
};

} // namespace opsctl::policy
