#include "lib/policy/parsers.hpp"

#include <fmt/format.h>

namespace opsctl::policy {

void parse_people(Reader& r, const Node& node, Policy& p) {
    r.entries(node, "person", [&](const std::string& id, const Node& key, const Node& value) {
        if (auto it = p.people.find(id); it != p.people.end()) {
            r.error(key, fmt::format("person '{}' is defined twice (first at {})", id, it->second.origin.str()));
            return;
        }
        Person person;
        person.id = id;
        person.origin = r.origin(key);
        if (value.is_null()) {
            person.name = id;
            p.people.emplace(id, std::move(person));
            return;
        }
        if (!r.map(value, fmt::format("person '{}'", id),
                   {"name", "email", "phone", "teams", "roles", "logins", "active"})) {
            return;
        }
        person.name = r.string(value, "name").value_or(id);
        person.email = r.string(value, "email").value_or("");
        person.phone = r.string(value, "phone").value_or("");
        person.teams = r.strings(value, "teams").value_or(std::vector<std::string>{});
        person.roles = r.strings(value, "roles").value_or(std::vector<std::string>{});
        person.logins = r.strings(value, "logins").value_or(std::vector<std::string>{});
        for (const auto& login : person.logins) {
            // An OS account name: what getpwuid() and $SUDO_USER can hold.
            const bool plain = !login.empty() && login.size() <= 32 && login[0] != '-' &&
                               login.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                       "0123456789._-$") == std::string::npos;
            if (!plain) {
                r.error(value[std::string("logins")],
                        fmt::format("person '{}': '{}' is not an OS account name", id, login));
            }
        }
        person.active = r.boolean(value, "active").value_or(true);
        p.people.emplace(id, std::move(person));
    });
}

void finish_people(Diagnostics&, Policy&) {}

} // namespace opsctl::policy
