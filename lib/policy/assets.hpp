#pragma once
// The `assets` section.

#include "lib/policy/origin.hpp"

#include <cstddef>

namespace opsctl::policy {

/// Validated `assets` policy. Accepted but not yet interpreted.
struct AssetPolicy {
    std::size_t count() const { return 0; }
};

} // namespace opsctl::policy
