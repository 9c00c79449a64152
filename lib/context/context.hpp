#pragma once
// What every domain operation needs: the policy, the database, the time and who acts.

#include "lib/access/identity.hpp"
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
    std::string actor;  // recorded in events: the person acted for, or a service's actor name
    access::Actor who = {}; // the account behind `actor`, and what it may do

    const core::Zone& zone() const { return policy.site.zone; }
};

} // namespace opsctl
