#pragma once
// The auditor's answers: who holds a permission and through what (`policy who-can`), and
// whether one person holds it (`policy can`).

#include "lib/policy/policy.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace opsctl::access {

/// One party that holds a permission.
struct Holder {
    std::string id;       // the person's id, or the service account's OS account
    std::string name;     // the person's name, or the service's actor name
    bool service = false; // a service account, not a person
    std::string through;  // what grants it: the roles, or why everyone may
};
/// Who holds `permission`: the active people in id order, then the service accounts.
std::vector<Holder> holders(const policy::Policy& policy, std::string_view permission);

/// What grants `permission` to `person`: the granting roles, comma-separated, or that the
/// policy has no roles and so everyone may.
std::string granted_by(const policy::Policy& policy, const policy::Person& person, std::string_view permission);

/// The person with this id; throws NotFound with the nearest id.
const policy::Person& require_person(const policy::Policy& policy, const std::string& id);
/// True when `person` may act with `permission`: active, and granted it by a role.
bool person_may(const policy::Policy& policy, const policy::Person& person, std::string_view permission);

} // namespace opsctl::access
