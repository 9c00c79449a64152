#pragma once
// The `tickets` section.

#include "lib/policy/origin.hpp"

#include <cstddef>

namespace opsctl::policy {

/// Validated `tickets` policy. Accepted but not yet interpreted.
struct TicketPolicy {
    std::size_t count() const { return 0; }
};

} // namespace opsctl::policy
