#pragma once
// SQL of ticket_approvals: the approval decisions on guarded workflow transitions.

#include "lib/store/database.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace opsctl::store {

/// One decision on a ticket's entry into a guarded state (see schema_access.cpp).
struct ApprovalRow {
    std::int64_t id = 0;
    std::int64_t ticket_id = 0;
    std::string state;    // the guarded state the decision is about
    std::string person;   // who decided; for an emergency, who moved the ticket
    std::string decision; // "approved", "rejected" or "emergency"
    std::string reason;
    std::int64_t at = 0;
    bool retrospective = false; // an approval given after an emergency move
    bool open = true;           // still counts: the request it belongs to is pending
};

/// Inserts a decision; returns its id.
std::int64_t insert_approval(Database& db, const ApprovalRow& row);
/// Every decision on a ticket, oldest first.
std::vector<ApprovalRow> approvals_of(Database& db, std::int64_t ticket_id);
/// Ends the pending request of a ticket: its open decisions stop counting. With
/// `emergency`, the open emergency and its retrospective approvals instead.
void close_approvals(Database& db, std::int64_t ticket_id, bool emergency);
/// Ids of the tickets with an emergency move still awaiting its retrospective approval.
std::vector<std::int64_t> tickets_with_open_emergency(Database& db);

} // namespace opsctl::store
