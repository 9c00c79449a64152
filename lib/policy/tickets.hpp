#pragma once
// The `tickets` section: ticket types, their workflows and the priorities.

#include "lib/policy/origin.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::policy {

/// Who must approve before a ticket may enter a state (a change's "approved", say).
struct Approval {
    std::vector<std::string> roles;  // people holding one of these roles may approve
    std::vector<std::string> people; // and these people
    int quorum = 1;                  // approvals needed; 0: every eligible person
    Origin origin;
};

/// One state of a workflow and where a ticket may go from it.
struct WorkflowState {
    std::string name;
    std::string title;
    std::vector<std::string> next; // states reachable by `ticket move`
    bool final = false;            // the ticket is closed (not open) in this state
    bool pause = false;            // SLA clocks stop while the ticket waits here
    bool resolved = false;         // the resolution clock stops here (the work is delivered)
    std::optional<Approval> approval; // entering this state needs approvals
    Origin origin;
};

/// A state machine that tickets of some types follow.
struct Workflow {
    std::string name;
    std::string initial;              // the state of a new ticket
    std::string reopen;               // where `ticket reopen` takes a resolved or final ticket
    std::vector<WorkflowState> states; // in policy order
    Origin origin;

    /// The state with this name, or nullptr.
    const WorkflowState* state(const std::string& name) const;
    /// True when `to` is listed in the `next` states of `from`.
    bool allows(const std::string& from, const std::string& to) const;
    /// Every state name, in policy order.
    std::vector<std::string> state_names() const;
};

/// One kind of ticket (incident, request, bug, ...).
struct TicketType {
    std::string name;
    std::string title;
    std::string workflow;
    std::string team;     // default team; `assign --auto` picks from it
    std::string priority; // default priority
    Origin origin;
};

/// One priority level; earlier in the list is more urgent.
struct Priority {
    std::string name;
    std::string title;
    std::string description;
    Origin origin;
};

/// Validated `tickets` policy.
struct TicketPolicy {
    std::map<std::string, TicketType> types;
    std::map<std::string, Workflow> workflows;
    std::vector<Priority> priorities; // most urgent first; P1..P4 when the policy names none
    std::string default_type;
    std::vector<std::string> complaint_types;
    Origin origin;

    std::size_t count() const { return types.size() + workflows.size(); }
    /// The type with this name, or nullptr.
    const TicketType* type(const std::string& name) const;
    /// The workflow of a type, or nullptr for an unknown type.
    const Workflow* workflow_of(const std::string& type_name) const;
    /// The priority with this name, or nullptr.
    const Priority* priority(const std::string& name) const;
    /// Every type name, sorted.
    std::vector<std::string> type_names() const;
    /// Every priority name, most urgent first.
    std::vector<std::string> priority_names() const;
};

} // namespace opsctl::policy
