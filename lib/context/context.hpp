#pragma once
// What every domain operation needs: the policy, the database, the time and who acts.

#include "lib/policy/policy.hpp"
#include "lib/store/database.hpp"

#include <cstdint>
#include <string>

namespace opsctl {

/// The ambient state of one command run, handed by reference to domain functions.
struct Context {
    const policy::Policy& policy;
    store::Database& db;
    std::int64_t now;   // core::now() at start: one instant for the whole command
    std::string actor;  // recorded in events

    const core::Zone& zone() const { return policy.site.zone; }
};

} // namespace opsctl
