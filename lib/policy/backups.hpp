#pragma once
// The `backups` section.

#include "lib/policy/origin.hpp"

#include <cstddef>

namespace opsctl::policy {

/// Validated `backups` policy. Accepted but not yet interpreted.
struct BackupPolicy {
    std::size_t count() const { return 0; }
};

} // namespace opsctl::policy
