#pragma once
// Who acts: the OS account that runs opsctl, the person or service account it is, the
// person acted for with --as, and what the policy's roles let them do.

#include "lib/policy/policy.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace opsctl::access {

/// The acting party of one command run.
struct Actor {
    std::string name; // recorded in events: a person id, a service's actor name, or (open policy)
                      // the user name
    std::string account; // the OS account that ran opsctl; empty when the policy binds no logins
    std::string person;  // id of the person acting (or acted for); empty when none
    std::string service; // the service account acting as itself; empty when none
    bool bound = false;  // the policy binds logins: identities are enforced
    std::string refusal; // why this account may not write; empty when it may
    std::string refusal_hint;
};

/// True when the policy binds people to OS accounts (a person has `logins:`, or a service
/// account is named): only then are accounts, --as and roles enforced.
bool binds_logins(const policy::Policy& policy);
/// The OS account running opsctl: $SUDO_USER under sudo (real uid 0), else the real uid's name
/// (its number when it has no passwd entry).
std::string os_account();
/// The actor for `as_option` (--as, else $OPSCTL_USER). With an open policy (no logins), the
/// name is as before: --as, $OPSCTL_USER, $SUDO_USER, the login name. Throws NotPermitted when
/// --as is not allowed, DataError when it names no person.
Actor resolve_actor(const policy::Policy& policy, const std::optional<std::string>& as_option);
/// Throws NotPermitted (exit 77) when `actor` may not write, or lacks `permission`.
void require(const policy::Policy& policy, const Actor& actor, std::string_view permission);
/// True when `actor` holds `permission` (always with an open policy or one without roles).
bool permits(const policy::Policy& policy, const Actor& actor, std::string_view permission);
/// True when the person holds `permission` through one of their roles; true for everyone when
/// the policy defines no roles.
bool person_can(const policy::Policy& policy, const policy::Person& person,
                std::string_view permission);
/// The roles of `person` that grant `permission`.
std::vector<std::string> granting_roles(const policy::Policy& policy, const policy::Person& person,
                                        std::string_view permission);
/// Ids of the active people who hold `permission`, in id order.
std::vector<std::string> who_can(const policy::Policy& policy, std::string_view permission);
/// Throws UsageError naming the nearest known permission when `permission` is no permission.
void check_permission_name(std::string_view permission);

} // namespace opsctl::access
