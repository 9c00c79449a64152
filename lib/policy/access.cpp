#include "lib/policy/access.hpp"

#include "lib/policy/parsers.hpp"
#include "lib/util/text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace opsctl::policy {

const std::vector<PermissionKind>& permission_kinds() {
    // Each permission here is required by some command (tests/cli/test_man.sh checks that
    // opsctl-policy(5) lists them all).
    static const std::vector<PermissionKind> kinds = {
        {"ticket.create", "ticket new, ticket schedule run"},
        {"ticket.import", "ticket import"},
        {"ticket.update", "ticket update, ticket link, ticket unlink"},
        {"ticket.assign", "ticket assign"},
        {"ticket.comment", "ticket comment"},
        {"ticket.move", "ticket move"},
        {"ticket.resolve", "ticket resolve"},
        {"ticket.close", "ticket close"},
        {"ticket.reopen", "ticket reopen"},
        {"ticket.approve", "ticket approve, ticket reject (and being counted as an approver)"},
        {"ticket.emergency", "ticket move --emergency: pass an approval now, approve afterwards"},
        {"ticket.escalate", "ticket sla (records the escalations it fires)"},
        {"kb.publish", "kb publish, kb edit"},
        {"kb.retire", "kb retire"},
        {"asset.create", "asset add"},
        {"asset.import", "asset import"},
        {"asset.update", "asset update"},
        {"asset.maintain", "asset maint add"},
        {"asset.audit", "asset audit start, asset audit scan, asset audit finish"},
        {"asset.retire", "asset retire"},
        {"asset.dispose", "asset dispose"},
        {"asset.transfer", "asset transfer"},
        {"inspect.run", "inspect run"},
        {"inspect.record", "inspect record"},
        {"backup.run", "backup run"},
        {"backup.verify", "backup verify"},
        {"backup.prune", "backup prune"},
        {"backup.restore", "backup restore"},
        {"roster.override", "roster override add, roster override remove"},
        {"roster.handover", "roster handover"},
        {"roster.attend", "roster checkin, roster checkout"},
        {"notify.flush", "notify flush"},
        {"page.ack", "page ack"},
        {"policy.init", "init (installs the policy, creates and migrates the database)"},
        {"db.backup", "db backup"},
        {"db.copy", "db copy (a whole database into another)"},
        {"db.repair", "db check --repair"},
        {"people.act-for", "--as PERSON: act for another person"},
    };
    return kinds;
}

bool permission_pattern_matches(std::string_view pattern, std::string_view permission) {
    if (pattern == "*" || pattern == permission) {
        return true;
    }
    return pattern.size() > 2 && pattern.ends_with(".*") &&
           permission.starts_with(pattern.substr(0, pattern.size() - 1));
}

std::string unmatched_permission_hint(std::string_view pattern) {
    std::vector<std::string> candidates;
    for (const auto& k : permission_kinds()) {
        if (permission_pattern_matches(pattern, k.name)) {
            return {};
        }
        candidates.emplace_back(k.name);
    }
    for (const auto& k : permission_kinds()) {
        std::string group(k.name.substr(0, k.name.find('.')));
        group += ".*";
        if (std::find(candidates.begin(), candidates.end(), group) == candidates.end()) {
            candidates.push_back(std::move(group));
        }
    }
    if (auto near = util::closest(pattern, candidates); !near.empty()) {
        return "did you mean '" + near + "'?";
    }
    return "see PERMISSIONS in opsctl-policy(5); a prefix such as 'ticket.*' or '*' grants several";
}

bool Role::grants(std::string_view permission) const {
    return std::any_of(permissions.begin(), permissions.end(), [&](const std::string& p) {
        return permission_pattern_matches(p, permission);
    });
}

const Role* AccessPolicy::role(const std::string& name) const {
    auto it = roles.find(name);
    return it == roles.end() ? nullptr : &it->second;
}

std::vector<std::string> AccessPolicy::role_names() const {
    std::vector<std::string> out;
    for (const auto& [name, role] : roles) {
        out.push_back(name);
    }
    return out;
}

void parse_roles(Reader& r, const Node& node, Policy& p) {
    r.entries(node, "role", [&](const std::string& name, const Node& key, const Node& value) {
        if (auto it = p.access.roles.find(name); it != p.access.roles.end()) {
            r.error(key, fmt::format("role '{}' is defined twice (first at {})", name,
                                     it->second.origin.str()));
            return;
        }
        Role role;
        role.name = name;
        role.title = name;
        role.origin = r.origin(key);
        if (!r.map(value, fmt::format("role '{}'", name), {"title", "permissions"})) {
            return;
        }
        role.title = r.string(value, "title").value_or(name);
        role.permissions =
            r.strings(value, "permissions", true).value_or(std::vector<std::string>{});
        if (role.permissions.empty()) {
            r.error(key, fmt::format("role '{}' grants no permission", name));
        }
        for (const auto& pattern : role.permissions) {
            if (auto hint = unmatched_permission_hint(pattern); !hint.empty()) {
                r.error(
                    value[std::string("permissions")],
                    fmt::format("role '{}': unknown permission '{}' ({})", name, pattern, hint));
            }
        }
        p.access.roles.emplace(name, std::move(role));
    });
}

void parse_service_accounts(Reader& r, const Node& node, Policy& p) {
    r.entries(node, "service account",
              [&](const std::string& account, const Node& key, const Node& value) {
                  if (auto it = p.access.service_accounts.find(account);
                      it != p.access.service_accounts.end()) {
                      r.error(key,
                              fmt::format("service account '{}' is defined twice (first at {})",
                                          account, it->second.origin.str()));
                      return;
                  }
                  ServiceAccount s;
                  s.account = account;
                  s.origin = r.origin(key);
                  if (!value.is_null()) {
                      if (!r.map(value, fmt::format("service account '{}'", account),
                                 {"actor", "roles"})) {
                          return;
                      }
                      s.actor = r.string(value, "actor").value_or("system");
                      s.roles = r.strings(value, "roles").value_or(std::vector<std::string>{});
                  }
                  p.access.service_accounts.emplace(account, std::move(s));
              });
}

void finish_roles(Diagnostics& d, Policy& p) {
    // Without roles, a person's `roles:` are labels, as they were before roles granted anything.
    if (p.access.roles.empty()) {
        return;
    }
    const auto names = p.access.role_names();
    if (p.loaded & section::k_tickets) {
        for (const auto& [wname, w] : p.tickets.workflows) {
            for (const auto& s : w.states) {
                for (const auto& role : s.approval ? s.approval->roles : std::vector<std::string>{}) {
                    if (!p.access.role(role)) {
                        d.error(s.approval->origin,
                                fmt::format("approval of state '{}' (workflow '{}') names no role '{}' ({})", s.name,
                                            wname, role, util::suggest(role, names)));
                    }
                }
            }
        }
    }
    if (!(p.loaded & section::k_people)) {
        return;
    }
    for (const auto& [id, person] : p.people) {
        for (const auto& role : person.roles) {
            if (!p.access.role(role)) {
                d.error(person.origin, fmt::format("person '{}': unknown role '{}' ({})", id, role,
                                                   util::suggest(role, names)));
            }
        }
    }
}

void finish_service_accounts(Diagnostics& d, Policy& p) {
    std::map<std::string, std::string> login_owner;
    if (p.loaded & section::k_people) {
        for (const auto& [id, person] : p.people) {
            for (const auto& login : person.logins) {
                if (auto [it, fresh] = login_owner.emplace(login, id); !fresh) {
                    d.error(person.origin, fmt::format("login '{}' belongs to both '{}' and '{}'",
                                                       login, it->second, id));
                }
            }
        }
    }
    const auto names = p.access.role_names();
    for (const auto& [account, s] : p.access.service_accounts) {
        if (auto it = login_owner.find(account); it != login_owner.end()) {
            d.error(s.origin, fmt::format("service account '{}' is also a login of person '{}'",
                                          account, it->second));
        }
        if (p.person(s.actor)) {
            d.error(
                s.origin,
                fmt::format(
                    "service account '{}': actor '{}' is a person (a service acts as itself; use "
                    "--as to act for a person)",
                    account, s.actor));
        }
        if (p.loaded & section::k_roles) {
            for (const auto& role : s.roles) {
                if (!p.access.role(role)) {
                    d.error(s.origin, fmt::format("service account '{}': unknown role '{}' ({})",
                                                  account, role, util::suggest(role, names)));
                }
            }
        }
    }
}

} // namespace opsctl::policy
