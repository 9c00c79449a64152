#include "lib/policy/lookup.hpp"

#include "lib/core/error.hpp"
#include "lib/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace opsctl::policy {

namespace {

std::string_view noun_of(const std::string& kind) {
    static const std::vector<std::pair<std::string_view, std::string_view>> k_nouns = {
        {"people", "person"},
        {"teams", "team"},
        {"ticket-states", "ticket state"},
        {"ticket-types", "ticket type"},
        {"priorities", "priority"},
        {"asset-classes", "asset class"},
        {"locations", "location"},
        {"checklists", "checklist"},
        {"backups", "backup job"},
        {"rotations", "rotation"},
        {"shifts", "shift"},
        {"complaint-types", "complaint type"},
        {"maintenance-kinds", "maintenance kind"},
    };
    for (const auto& [k, noun] : k_nouns) {
        if (k == kind) {
            return noun;
        }
    }
    return kind;
}

} // namespace

void require_one_of(std::string_view noun, const std::string& value, const std::vector<std::string>& known) {
    if (std::find(known.begin(), known.end(), value) == known.end()) {
        throw DataError(fmt::format("no {} '{}'", noun, value), util::suggest(value, known));
    }
}

void require_name(const Policy& policy, const std::string& kind, const std::string& value) {
    const unsigned needs = policy_names_sections(kind);
    if ((policy.loaded & needs) != needs) {
        return;
    }
    const auto known = policy_names(policy, kind);
    if (known.empty() && (kind == "locations" || kind == "complaint-types")) {
        return;
    }
    require_one_of(noun_of(kind), value, known);
}

void require_names(const Policy& policy, const std::string& kind, const std::vector<std::string>& values) {
    for (const auto& v : values) {
        require_name(policy, kind, v);
    }
}

std::optional<std::string> person_id_by_name(const Policy& policy, const std::string& text, std::string& problem) {
    if (policy.person(text)) {
        return text;
    }
    std::vector<std::string> ids;
    std::vector<std::string> known;
    for (const auto& [id, person] : policy.people) {
        if (person.name == text) {
            ids.push_back(id);
        }
        known.push_back(id);
    }
    if (ids.size() == 1) {
        return ids.front();
    }
    problem = ids.empty() ? fmt::format("no person '{}' ({})", text, util::suggest(text, known))
                          : fmt::format("'{}' is the name of {} people ({}): give the id", text, ids.size(),
                                        util::join(ids, ", "));
    return std::nullopt;
}

std::optional<std::string> class_id_by_label(const Policy& policy, const std::string& text, std::string& problem) {
    if (policy.assets.find_class(text)) {
        return text;
    }
    std::vector<std::string> ids;
    std::vector<std::string> known;
    for (const auto& c : policy.assets.classes) {
        if (c.label == text) {
            ids.push_back(c.id);
        }
        known.push_back(c.id);
        if (c.label != c.id) {
            known.push_back(c.label);
        }
    }
    if (ids.size() == 1) {
        return ids.front();
    }
    problem = ids.empty() ? fmt::format("no asset class '{}' ({})", text, util::suggest(text, known))
                          : fmt::format("'{}' is the label of {} asset classes ({}): give the id", text, ids.size(),
                                        util::join(ids, ", "));
    return std::nullopt;
}

} // namespace opsctl::policy
