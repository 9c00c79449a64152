#pragma once
// The `people` section: the team's members, their teams and roles.

#include "lib/policy/origin.hpp"

#include <map>
#include <string>
#include <vector>

namespace opsctl::policy {

/// One person who can own assets, take tickets and be on duty.
struct Person {
    std::string id;
    std::string name;
    std::string email;
    std::string phone;
    std::vector<std::string> teams;
    std::vector<std::string> roles;  // names of roles in the `roles` section (labels when it is empty)
    std::vector<std::string> logins; // OS accounts that are this person
    bool active = true; // false for people who left: kept for history, not assignable
    Origin origin;
};

/// People keyed by id.
using People = std::map<std::string, Person>;

} // namespace opsctl::policy
