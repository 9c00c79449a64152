#include "lib/access/identity.hpp"

#include "lib/core/error.hpp"
#include "lib/core/identity.hpp"
#include "lib/util/text.hpp"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

namespace opsctl::access {

namespace {

bool has(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

const policy::Person* person_of_login(const policy::Policy& p, const std::string& account) {
    for (const auto& [id, person] : p.people) {
        if (has(person.logins, account)) {
            return &person;
        }
    }
    return nullptr;
}

std::vector<std::string> people_ids(const policy::Policy& p) {
    std::vector<std::string> ids;
    for (const auto& [id, person] : p.people) {
        ids.push_back(id);
    }
    return ids;
}

} // namespace

bool binds_logins(const policy::Policy& p) {
    if (!p.access.service_accounts.empty()) {
        return true;
    }
    return std::any_of(p.people.begin(), p.people.end(),
                       [](const auto& e) { return !e.second.logins.empty(); });
}

std::string os_account() {
    const uid_t uid = ::getuid();
    // Only root can have run sudo: anyone else could set $SUDO_USER to a name of their choice.
    if (uid == 0) {
        if (const char* sudo = std::getenv("SUDO_USER"); sudo && *sudo) {
            return sudo;
        }
    }
    if (const passwd* pw = ::getpwuid(uid)) {
        return pw->pw_name;
    }
    return std::to_string(uid);
}

Actor resolve_actor(const policy::Policy& p, const std::optional<std::string>& as_option) {
    Actor a;
    if (!binds_logins(p)) {
        // An open policy: who acts is who the environment says, as it always was.
        a.name = core::acting_user(as_option);
        if (p.person(a.name)) {
            a.person = a.name;
        }
        return a;
    }
    a.bound = true;
    a.account = os_account();
    if (auto it = p.access.service_accounts.find(a.account);
        it != p.access.service_accounts.end()) {
        a.service = a.account;
        a.name = it->second.actor;
    } else if (const auto* self = person_of_login(p, a.account)) {
        a.person = self->id;
        a.name = self->id;
        if (!self->active) {
            a.refusal = fmt::format("person '{}' (OS account '{}') has left (active: false)",
                                    self->id, a.account);
            a.refusal_hint = "people who left keep their history but may not change records";
        }
    } else {
        a.name = a.account;
        a.refusal = fmt::format("OS account '{}' is no person of the policy", a.account);
        a.refusal_hint = fmt::format(
            "add '{}' to the logins: of a person in the people section (opsctl.yaml), or "
            "to service_accounts: for a service such as cron; see opsctl-policy(5)",
            a.account);
    }

    std::optional<std::string> as = as_option;
    if (!as || as->empty()) {
        if (const char* env = std::getenv("OPSCTL_USER"); env && *env) {
            as = env;
        }
    }
    if (!as || as->empty() || (!a.person.empty() && *as == a.name)) {
        return a;
    }
    if (!a.refusal.empty()) {
        throw NotPermitted(a.refusal + ", so it may not act for '" + *as + "'", a.refusal_hint);
    }
    if (a.service.empty() && !person_can(p, *p.person(a.person), "people.act-for")) {
        throw NotPermitted(
            fmt::format("'{}' may not act for '{}' (--as or $OPSCTL_USER): the permission "
                        "'people.act-for' is missing",
                        a.name, *as),
            "leave out --as to act as yourself, or ask for a role that grants people.act-for");
    }
    const auto* target = p.person(*as);
    if (!target) {
        throw DataError(fmt::format("--as '{}' is no person of the policy", *as),
                        util::suggest(*as, people_ids(p)));
    }
    if (!target->active) {
        throw DataError(fmt::format("--as '{}': that person has left (active: false)", *as));
    }
    a.person = target->id;
    a.service.clear();
    a.name = target->id;
    return a;
}

bool person_can(const policy::Policy& p, const policy::Person& person,
                std::string_view permission) {
    if (p.access.roles.empty()) {
        return true;
    }
    return !granting_roles(p, person, permission).empty();
}

std::vector<std::string> granting_roles(const policy::Policy& p, const policy::Person& person,
                                        std::string_view permission) {
    std::vector<std::string> out;
    for (const auto& name : person.roles) {
        if (const auto* role = p.access.role(name); role && role->grants(permission)) {
            out.push_back(name);
        }
    }
    return out;
}

bool permits(const policy::Policy& p, const Actor& a, std::string_view permission) {
    if (!a.bound) {
        return true;
    }
    if (!a.refusal.empty()) {
        return false;
    }
    if (!a.service.empty()) {
        const auto it = p.access.service_accounts.find(a.service);
        if (it == p.access.service_accounts.end()) {
            return false;
        }
        const auto& roles = it->second.roles;
        if (roles.empty() || p.access.roles.empty()) {
            return true;
        }
        return std::any_of(roles.begin(), roles.end(), [&](const std::string& name) {
            const auto* role = p.access.role(name);
            return role && role->grants(permission);
        });
    }
    const auto* person = p.person(a.person);
    return person && person_can(p, *person, permission);
}

std::vector<std::string> who_can(const policy::Policy& p, std::string_view permission) {
    std::vector<std::string> out;
    for (const auto& [id, person] : p.people) {
        if (person.active && person_can(p, person, permission)) {
            out.push_back(id);
        }
    }
    return out;
}

void require(const policy::Policy& p, const Actor& a, std::string_view permission) {
    if (permits(p, a, permission)) {
        return;
    }
    if (!a.refusal.empty()) {
        throw NotPermitted(a.refusal, a.refusal_hint);
    }
    std::vector<std::string> roles;
    for (const auto& [name, role] : p.access.roles) {
        if (role.grants(permission)) {
            roles.push_back(name);
        }
    }
    const std::string who = a.account.empty() || a.account == a.name
                                ? fmt::format("'{}'", a.name)
                                : fmt::format("'{}' (OS account '{}')", a.name, a.account);
    throw NotPermitted(fmt::format("{} lacks the permission '{}'", who, permission),
                       roles.empty()
                           ? std::string("no role grants it; see 'opsctl policy who-can'")
                           : fmt::format("roles that grant it: {}; see 'opsctl policy who-can {}'",
                                         util::join(roles, ", "), permission));
}

void check_permission_name(std::string_view permission) {
    for (const auto& k : policy::permission_kinds()) {
        if (k.name == permission) {
            return;
        }
    }
    throw UsageError(fmt::format("no permission '{}'", permission),
                     policy::unmatched_permission_hint(permission));
}

} // namespace opsctl::access
