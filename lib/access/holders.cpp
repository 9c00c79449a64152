#include "lib/access/holders.hpp"

#include "lib/access/identity.hpp"
#include "lib/core/error.hpp"
#include "lib/util/text.hpp"

#include <fmt/format.h>

namespace opsctl::access {

std::vector<Holder> holders(const policy::Policy& policy, std::string_view permission) {
    std::vector<Holder> out;
    for (const auto& id : who_can(policy, permission)) {
        const auto& person = *policy.person(id);
        out.push_back({id, person.name, false, granted_by(policy, person, permission)});
    }
    for (const auto& [account, service] : policy.access.service_accounts) {
        // Asked the way a command run by that account is: bound, acting as its service.
        Actor a;
        a.bound = true;
        a.account = account;
        a.service = account;
        a.name = service.actor;
        if (permits(policy, a, permission)) {
            out.push_back({account, service.actor, true,
                           service.roles.empty() ? std::string("every permission") : util::join(service.roles, ", ")});
        }
    }
    return out;
}

std::string granted_by(const policy::Policy& policy, const policy::Person& person, std::string_view permission) {
    if (policy.access.roles.empty()) {
        return "no roles in the policy: everyone may";
    }
    return util::join(granting_roles(policy, person, permission), ", ");
}

const policy::Person& require_person(const policy::Policy& policy, const std::string& id) {
    const auto* person = policy.person(id);
    if (!person) {
        std::vector<std::string> ids;
        for (const auto& [known, x] : policy.people) {
            ids.push_back(known);
        }
        throw NotFound(fmt::format("no person '{}'", id), util::suggest(id, ids));
    }
    return *person;
}

bool person_may(const policy::Policy& policy, const policy::Person& person, std::string_view permission) {
    return person.active && person_can(policy, person, permission);
}

} // namespace opsctl::access
