#pragma once
// The `roster` section.

#include "lib/policy/origin.hpp"

#include <cstddef>

namespace opsctl::policy {

/// Validated `roster` policy. Accepted but not yet interpreted.
struct RosterPolicy {
    std::size_t count() const { return 0; }
};

} // namespace opsctl::policy
