#include "lib/policy/policy.hpp"

#include <algorithm>
#include <set>

namespace opsctl::policy {

const Person* Policy::person(const std::string& id) const {
    auto it = people.find(id);
    return it == people.end() ? nullptr : &it->second;
}

std::vector<std::string> Policy::team_members(const std::string& team) const {
    std::vector<std::string> out;
    for (const auto& [id, person] : people) {
        if (std::find(person.teams.begin(), person.teams.end(), team) != person.teams.end()) {
            out.push_back(id);
        }
    }
    return out;
}

std::vector<std::string> Policy::teams() const {
    std::set<std::string> all;
    for (const auto& [id, person] : people) {
        all.insert(person.teams.begin(), person.teams.end());
    }
    return {all.begin(), all.end()};
}

core::BusinessCalendar Policy::business_calendar() const { return core::BusinessCalendar(calendar.spec, site.zone); }

const std::vector<std::string>& section_names() {
    static const std::vector<std::string> k_names = {"site",       "calendar", "people", "tickets",
                                                     "sla",        "assets",   "checklists", "backups",
                                                     "roster",     "report",   "notify", "roles", "service_accounts", "schedules"};
    return k_names;
}

unsigned section_bit(const std::string& name) {
    const auto& names = section_names();
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == name) {
            return 1u << i;
        }
    }
    return 0;
}

std::vector<std::pair<std::string, std::size_t>> section_counts(const Policy& p) {
    std::vector<std::pair<std::string, std::size_t>> out;
    auto add = [&](const std::string& name, std::size_t n) {
        if (p.loaded & section_bit(name)) {
            out.emplace_back(name, n);
        }
    };
    add("calendar", p.calendar.spec.holidays.size() + p.calendar.spec.makeup_workdays.size());
    add("people", p.people.size());
    add("tickets", p.tickets.count());
    add("sla", p.sla.count());
    add("assets", p.assets.count());
    add("checklists", p.checklists.count());
    add("backups", p.backups.count());
    add("roster", p.roster.count());
    add("report", p.report.count());
    add("notify", p.notify.count());
    add("roles", p.access.roles.size());
    add("service_accounts", p.access.service_accounts.size());
    add("schedules", p.schedules.count());
    return out;
}

unsigned policy_names_sections(const std::string& kind) {
    if (kind == "people" || kind == "teams") {
        return section::k_people;
    }
    if (kind == "ticket-types" || kind == "ticket-states" || kind == "priorities" || kind == "complaint-types") {
        return section::k_tickets | section::k_people;
    }
    if (kind == "rotations" || kind == "shifts") {
        return section::k_roster | section::k_people;
    }
    if (kind == "checklists") {
        return section::k_checklists;
    }
    if (kind == "backups") {
        return section::k_backups;
    }
    if (kind == "schedules") {
        return section::k_schedules;
    }
    if (kind == "asset-classes" || kind == "locations" || kind == "asset-fields") {
        return section::k_assets;
    }
    return 0;
}

// Besides the kinds the header lists: "shifts", "locations", "asset-fields" (custom field
// keys) and "maintenance-kinds" (fixed, needs no policy file).
std::vector<std::string> policy_names(const Policy& p, const std::string& kind) {
    std::vector<std::string> out;
    if (kind == "people") {
        for (const auto& [id, person] : p.people) {
            out.push_back(id);
        }
    } else if (kind == "teams") {
        out = p.teams();
    } else if (kind == "sections") {
        out = section_names();
    } else if (kind == "ticket-types") {
        out = p.tickets.type_names();
    } else if (kind == "ticket-states") {
        std::set<std::string> states;
        for (const auto& [name, workflow] : p.tickets.workflows) {
            for (const auto& state : workflow.states) {
                states.insert(state.name);
            }
        }
        out.assign(states.begin(), states.end());
    } else if (kind == "priorities") {
        out = p.tickets.priority_names();
    } else if (kind == "complaint-types") {
        out = p.tickets.complaint_types;
    } else if (kind == "rotations") {
        out = p.roster.rotation_names();
    } else if (kind == "shifts") {
        for (const auto& shift : p.roster.shifts) {
            out.push_back(shift.name);
        }
    } else if (kind == "checklists") {
        out = p.checklists.names();
    } else if (kind == "backups") {
        for (const auto& [name, job] : p.backups.jobs) {
            out.push_back(name);
        }
    } else if (kind == "schedules") {
        out = p.schedules.names();
    } else if (kind == "asset-classes") {
        out = p.assets.class_ids();
    } else if (kind == "locations") {
        out = p.assets.locations;
    } else if (kind == "asset-fields") {
        out = p.assets.field_keys();
    } else if (kind == "maintenance-kinds") {
        out = maintenance_kinds();
    }
    return out;
}

} // namespace opsctl::policy
