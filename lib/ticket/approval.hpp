#pragma once
// Approvals on workflow transitions: who may approve a ticket's entry into a guarded state,
// how many must, and the emergency path that approves afterwards.

#include "lib/context/context.hpp"
#include "lib/store/approval_repo.hpp"
#include "lib/store/ticket_repo.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace opsctl::ticket {

/// Where a ticket's request to enter a guarded state stands.
struct ApprovalStatus {
    std::string state;                          // the guarded state
    int needed = 1;                             // approvals the quorum asks for
    std::vector<std::string> approved_by;       // approvals that count, in order
    std::vector<store::ApprovalRow> rejections; // open rejections: they block the move
    std::vector<std::string> may_approve;       // eligible people who have not decided yet
    std::vector<std::string> excluded; // the requester (and an emergency's mover): never counted
    bool emergency = false;            // a retrospective request after an emergency move

    /// True when the quorum is met and nobody rejected.
    bool met() const {
        return rejections.empty() && static_cast<int>(approved_by.size()) >= needed;
    }
};

/// The pending request of a ticket: its open emergency, else the first guarded state (or
/// `state`, when given) reachable from its current state; nullopt when it awaits none.
std::optional<ApprovalStatus> pending_approval(Context& ctx, const store::TicketRow& row,
                                               const std::string& state = {});
/// Called before a ticket enters `state`: NotPermitted (77) naming who may still approve
/// until the quorum is met, unless `emergency` holds a reason (then the actor needs
/// ticket.emergency and the approval is due afterwards). Ends the pending request and adds
/// what was decided to the move's event `fields`.
void guard_entry(Context& ctx, const store::TicketRow& row, const std::string& state,
                 const std::optional<std::string>& emergency, nlohmann::json& fields);
/// The approval notify events that a ticket's creation or move (already written, in the
/// transaction or committed) calls for, as kind and data to add to the ticket's:
/// "approval.emergency" when the move passed a guarded state by `emergency` (its
/// retrospective approval now due), "approval.requested" when the ticket now awaits an
/// approval to enter a guarded state. None when no notify hook or channel is configured.
std::vector<std::pair<std::string, nlohmann::json>>
approval_notices(Context& ctx, const store::TicketRow& row, const std::optional<std::string>& emergency);
/// Records the actor's approval (or, with `reject`, rejection) of each ticket's pending
/// request, in one transaction; NotPermitted when the actor may not decide on it. Once
/// committed, sends "approval.granted" or "approval.rejected" for each.
void decide(Context& ctx, const std::vector<std::int64_t>& ids, bool reject,
            const std::string& reason, const std::string& state);
/// Every approval decision on a ticket, oldest first (ticket show).
std::vector<store::ApprovalRow> approvals_of(Context& ctx, std::int64_t id);
/// Open tickets awaiting an approval (or a retrospective one), optionally only those that
/// `by` may still approve ("me": ctx.actor; DataError when no person of the policy), most
/// urgent first.
std::vector<store::TicketRow> awaiting_approval(Context& ctx, const std::string& by);

} // namespace opsctl::ticket
