#include "lib/policy/parsers.hpp"
#include "lib/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace opsctl::policy {

const WorkflowState* Workflow::state(const std::string& name) const {
    for (const auto& s : states) {
        if (s.name == name) {
            return &s;
        }
    }
    return nullptr;
}

bool Workflow::allows(const std::string& from, const std::string& to) const {
    const auto* s = state(from);
    return s && std::find(s->next.begin(), s->next.end(), to) != s->next.end();
}

std::vector<std::string> Workflow::state_names() const {
    std::vector<std::string> out;
    for (const auto& s : states) {
        out.push_back(s.name);
    }
    return out;
}

const TicketType* TicketPolicy::type(const std::string& name) const {
    auto it = types.find(name);
    return it == types.end() ? nullptr : &it->second;
}

const Workflow* TicketPolicy::workflow_of(const std::string& type_name) const {
    const auto* t = type(type_name);
    if (!t) {
        return nullptr;
    }
    auto it = workflows.find(t->workflow);
    return it == workflows.end() ? nullptr : &it->second;
}

const Priority* TicketPolicy::priority(const std::string& name) const {
    for (const auto& p : priorities) {
        if (p.name == name) {
            return &p;
        }
    }
    return nullptr;
}

std::vector<std::string> TicketPolicy::type_names() const {
    std::vector<std::string> out;
    for (const auto& [name, t] : types) {
        out.push_back(name);
    }
    return out;
}

std::vector<std::string> TicketPolicy::priority_names() const {
    std::vector<std::string> out;
    for (const auto& p : priorities) {
        out.push_back(p.name);
    }
    return out;
}

namespace {

void parse_workflow(Reader& r, const std::string& name, const Node& key, const Node& value,
                    Policy& p) {
    if (auto it = p.tickets.workflows.find(name); it != p.tickets.workflows.end()) {
        r.error(key, fmt::format("workflow '{}' is defined twice (first at {})", name, it->second.origin.str()));
        return;
    }
    if (!r.map(value, fmt::format("workflow '{}'", name), {"initial", "reopen", "states"})) {
        return;
    }
    Workflow w;
    w.name = name;
    w.origin = r.origin(key);
    w.initial = r.string(value, "initial", true).value_or("");
    w.reopen = r.string(value, "reopen").value_or("");
    r.entries(value["states"], fmt::format("state of workflow '{}'", name),
              [&](const std::string& sname, const Node& skey, const Node& svalue) {
                  WorkflowState s;
                  s.name = sname;
                  s.title = sname;
                  s.origin = r.origin(skey);
                  if (!svalue.is_null()) {
                      if (!r.map(svalue, fmt::format("state '{}'", sname),
                                 {"title", "next", "final", "pause", "resolved", "approval"})) {
                          return;
                      }
                      s.title = r.string(svalue, "title").value_or(sname);
                      s.next = r.strings(svalue, "next").value_or(std::vector<std::string>{});
                      s.final = r.boolean(svalue, "final").value_or(false);
                      s.pause = r.boolean(svalue, "pause").value_or(false);
                      s.resolved = r.boolean(svalue, "resolved").value_or(false);
                      if (const Node a = svalue["approval"]; a.is_defined() && !a.is_null()) {
                          if (r.map(a, fmt::format("approval of state '{}'", sname), {"roles", "people", "quorum"})) {
                              Approval approval;
                              approval.origin = r.origin(a);
                              approval.roles = r.strings(a, "roles").value_or(std::vector<std::string>{});
                              approval.people = r.strings(a, "people").value_or(std::vector<std::string>{});
                              if (const Node q = a["quorum"]; q.is_scalar() && q.scalar() == "all") {
                                  approval.quorum = 0;
                              } else {
                                  approval.quorum = static_cast<int>(r.integer(a, "quorum", false, 1, 100).value_or(1));
                              }
                              if (approval.roles.empty() && approval.people.empty()) {
                                  r.error(a, fmt::format("approval of state '{}' names no roles and no people", sname));
                              }
                              s.approval = std::move(approval);
                          }
                      }
                  }
                  w.states.push_back(std::move(s));
              });
    if (!value["states"].is_defined()) {
        r.error(value, fmt::format("workflow '{}' has no 'states'", name));
        return;
    }
    const auto names = w.state_names();
    auto check = [&](const std::string& state, const Origin& where, std::string_view what) {
        if (!state.empty() && !w.state(state)) {
            r.diagnostics().error(where, fmt::format("{} '{}' is not a state of workflow '{}' ({})", what, state,
                                                     name, util::suggest(state, names)));
        }
    };
    check(w.initial, w.origin, "initial state");
    check(w.reopen, w.origin, "reopen state");
    bool any_final = false;
    for (const auto& s : w.states) {
        for (const auto& n : s.next) {
            check(n, s.origin, fmt::format("next state of '{}'", s.name));
        }
        any_final = any_final || s.final;
        if (s.final && s.pause) {
            r.diagnostics().error(s.origin, fmt::format("state '{}' cannot be both final and a pause", s.name));
        }
    }
    if (!any_final && !w.states.empty()) {
        r.diagnostics().error(w.origin, fmt::format("workflow '{}' has no final state", name));
    }
    if (const auto* init = w.state(w.initial); init && init->final) {
        r.diagnostics().error(w.origin, fmt::format("initial state '{}' of workflow '{}' is final", w.initial, name));
    }
    p.tickets.workflows.emplace(name, std::move(w));
}

} // namespace

void parse_tickets(Reader& r, const Node& node, Policy& p) {
    if (!r.map(node, "section 'tickets'", {"default_type", "types", "workflows", "priorities", "complaint_types"})) {
        return;
    }
    auto& t = p.tickets;
    if (t.origin.file.empty()) {
        t.origin = r.origin(node);
    }
    if (auto d = r.string(node, "default_type")) {
        t.default_type = *d;
    }
    if (auto c = r.strings(node, "complaint_types")) {
        t.complaint_types.insert(t.complaint_types.end(), c->begin(), c->end());
    }
    r.entries(node["workflows"], "workflow", [&](const std::string& name, const Node& key, const Node& value) {
        parse_workflow(r, name, key, value, p);
    });
    r.entries(node["types"], "ticket type", [&](const std::string& name, const Node& key, const Node& value) {
        if (auto it = t.types.find(name); it != t.types.end()) {
            r.error(key, fmt::format("ticket type '{}' is defined twice (first at {})", name, it->second.origin.str()));
            return;
        }
        if (!r.map(value, fmt::format("ticket type '{}'", name), {"title", "workflow", "team", "priority"})) {
            return;
        }
        TicketType type;
        type.name = name;
        type.origin = r.origin(key);
        type.title = r.string(value, "title").value_or(name);
        type.workflow = r.string(value, "workflow", true).value_or("");
        type.team = r.string(value, "team").value_or("");
        type.priority = r.string(value, "priority").value_or("");
        t.types.emplace(name, std::move(type));
    });
    r.entries(node["priorities"], "priority", [&](const std::string& name, const Node& key, const Node& value) {
        for (const auto& existing : t.priorities) {
            if (existing.name == name) {
                r.error(key, fmt::format("priority '{}' is defined twice (first at {})", name, existing.origin.str()));
                return;
            }
        }
        Priority pr;
        pr.name = name;
        pr.title = name;
        pr.origin = r.origin(key);
        if (!value.is_null()) {
            if (!r.map(value, fmt::format("priority '{}'", name), {"title", "description"})) {
                return;
            }
            pr.title = r.string(value, "title").value_or(name);
            pr.description = r.string(value, "description").value_or("");
        }
        t.priorities.push_back(std::move(pr));
    });
}

void finish_tickets(Diagnostics& d, Policy& p) {
    auto& t = p.tickets;
    if (t.priorities.empty()) {
        // Without a list the common four levels apply, most urgent first.
        for (const char* name : {"P1", "P2", "P3", "P4"}) {
            t.priorities.push_back(Priority{name, name, "", t.origin});
        }
    }
    std::vector<std::string> workflow_names;
    for (const auto& [name, w] : t.workflows) {
        workflow_names.push_back(name);
    }
    const auto priority_names = t.priority_names();
    const bool people = p.loaded & section::k_people;
    const auto teams = p.teams();
    if (people) {
        std::vector<std::string> ids;
        for (const auto& [id, person] : p.people) {
            ids.push_back(id);
        }
        for (const auto& [wname, w] : t.workflows) {
            for (const auto& s : w.states) {
                if (!s.approval) {
                    continue;
                }
                for (const auto& who : s.approval->people) {
                    if (!p.person(who)) {
                        d.error(s.approval->origin, fmt::format("approval of state '{}' (workflow '{}') names no person "
                                                                "'{}' ({})",
                                                                s.name, wname, who, util::suggest(who, ids)));
                    }
                }
            }
        }
    }
    for (auto& [name, type] : t.types) {
        if (!t.workflows.count(type.workflow)) {
            d.error(type.origin, fmt::format("ticket type '{}' names no workflow '{}' ({})", name, type.workflow,
                                             util::suggest(type.workflow, workflow_names)));
        }
        if (type.priority.empty()) {
            type.priority = priority_names.size() > 2 ? priority_names[2] : priority_names.back();
        } else if (!t.priority(type.priority)) {
            d.error(type.origin, fmt::format("ticket type '{}' names no priority '{}' ({})", name, type.priority,
                                             util::suggest(type.priority, priority_names)));
        }
        if (people && !type.team.empty() && std::find(teams.begin(), teams.end(), type.team) == teams.end()) {
            d.error(type.origin, fmt::format("ticket type '{}' names team '{}' that nobody belongs to ({})", name,
                                             type.team, util::suggest(type.team, teams)));
        }
    }
    if (t.default_type.empty() && !t.types.empty()) {
        t.default_type = t.types.count("incident") ? "incident" : t.types.begin()->first;
    } else if (!t.default_type.empty() && !t.types.count(t.default_type)) {
        d.error(t.origin, fmt::format("default_type '{}' is not a ticket type ({})", t.default_type,
                                      util::suggest(t.default_type, t.type_names())));
    }
}

} // namespace opsctl::policy
