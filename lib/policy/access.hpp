#pragma once
// The `roles` and `service_accounts` sections, and the permissions roles grant.

#include "lib/policy/origin.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace opsctl::policy {

/// One permission a command needs (the list opsctl-policy(5) documents).
struct PermissionKind {
    std::string_view name;
    std::string_view what;
};

/// Every permission, in the order the man page lists them.
const std::vector<PermissionKind>& permission_kinds();

/// True when a role's pattern ("*", an exact permission, or a "ticket.*" prefix) grants
/// `permission`.
bool permission_pattern_matches(std::string_view pattern, std::string_view permission);

/// Empty when `pattern` grants at least one permission; else the hint for the error message.
std::string unmatched_permission_hint(std::string_view pattern);

/// A named set of permissions that people hold (项目经理, 服务台, ...).
struct Role {
    std::string name;
    std::string title;
    std::vector<std::string> permissions; // patterns: "ticket.create", "asset.*", "*"
    Origin origin;

    /// True when one of the role's patterns grants `permission`.
    bool grants(std::string_view permission) const;
};

/// An OS account that is no person but acts for the site (root from cron).
struct ServiceAccount {
    std::string account;
    std::string actor = "system";   // the name its events record
    std::vector<std::string> roles; // empty: every permission
    Origin origin;
};

/// Validated `roles` and `service_accounts` sections.
struct AccessPolicy {
    std::map<std::string, Role> roles;
    std::map<std::string, ServiceAccount> service_accounts; // keyed by OS account

    /// The role with this name, or nullptr.
    const Role* role(const std::string& name) const;
    /// Every role name, sorted.
    std::vector<std::string> role_names() const;
};

} // namespace opsctl::policy
