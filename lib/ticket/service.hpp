#pragma once
// The ticket domain: what `opsctl ticket` does, and the public API other groups call
// (inspect opens tickets, the handover lists open ones, asset shows an asset's tickets).

#include "lib/context/context.hpp"
#include "lib/store/events.hpp"
#include "lib/store/ticket_repo.hpp"
#include "lib/ticket/sla.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace opsctl::ticket {

/// What `ticket list` selects and how it sorts.
using TicketQuery = store::TicketQuery;

/// The policy sections every ticket operation reads.
inline constexpr unsigned k_policy_sections = policy::section::k_calendar | policy::section::k_people |
                                              policy::section::k_tickets | policy::section::k_sla |
                                              policy::section::k_notify;
/// What an automatic assignment (`new --auto`, `assign --auto`, an escalation to a team) also
/// reads: who is on duty comes from the roster, so a context without it is refused (Failure)
/// rather than silently falling back to the least-loaded member.
inline constexpr unsigned k_assign_sections = k_policy_sections | policy::section::k_roster;

/// What a new ticket is made of; empty type/priority take the policy defaults.
struct NewTicket {
    std::string type;
    std::string priority;
    std::string title;
    std::string body;
    std::string asset;
    std::string reporter;
    std::string assignee;
    bool auto_assign = false; // whoever is on duty for the type's team (see assign_tickets)
    std::string source; // free key, e.g. "inspect:daily:disk-root:localhost", unique among OPEN tickets
    std::string complaint_type;
    nlohmann::json event_fields = nlohmann::json::object(); // merged into the "created" event (who opened it)
};

/// Writes the messages of notify event `kind` about ticket `row` into the outbox (the ticket's
/// id, type, priority, status, title, assignee, team, asset and SLA due time, with `extra`
/// merged in). Call it inside the write transaction of the change, after its events.
void stage(Context& ctx, const std::string& kind, const store::TicketRow& row,
           const nlohmann::json& extra = nlohmann::json::object());

/// Sends notify event `kind` about ticket `row` to the hooks that want it, then what the outbox
/// has due. Call it after the change (and its stage()) has committed.
void announce(Context& ctx, const std::string& kind, const store::TicketRow& row,
              const nlohmann::json& extra = nlohmann::json::object());

/// Creates a ticket in its own write transaction, records events and emits "ticket.created";
/// returns the id. DataError for an unknown type, priority, person or asset tag, or a source
/// already open.
store::TicketRow create_ticket(Context& ctx, const NewTicket& t);
/// A ticket made inside the caller's write transaction, and the notifications it staged.
struct CreatedTicket {
    store::TicketRow row;
    std::vector<std::pair<std::string, nlohmann::json>> notices; // kind, extra: announce() after the commit
};
/// create_ticket's work inside the caller's WriteTransaction (for a caller that writes more in
/// the same transaction): checks, insert, event, clocks, staged notices. The caller commits,
/// then announces each notice.
CreatedTicket create_ticket_in(Context& ctx, const NewTicket& t);
/// Adds a comment (internal ones are not a response to the customer) in its own transaction.
void add_comment(Context& ctx, std::int64_t id, const std::string& text, bool internal);
/// The open ticket opened for this source key, if any.
std::optional<std::int64_t> find_open_by_source(Context& ctx, const std::string& source);

/// A ticket as other groups show it.
struct TicketSummary {
    std::int64_t id;
    std::string type, priority, status, title, assignee, asset;
    std::int64_t created_at;
    bool response_breached, resolution_breached;
    std::optional<std::int64_t> response_due_at, resolution_due_at;
};
/// Open tickets of the given priorities (all when empty), most urgent first (the shift handover).
std::vector<TicketSummary> open_tickets(Context& ctx, const std::vector<std::string>& priorities);
/// The newest tickets of an asset, at most `limit` (asset show).
std::vector<TicketSummary> tickets_for_asset(Context& ctx, const std::string& tag, int limit);
/// Open tickets that breached a target or used at least `share` (0.75) of one, most used first.
std::vector<TicketSummary> at_risk_tickets(Context& ctx, double share);

/// Field changes of `ticket update`; nullopt leaves a field as it is.
struct TicketChanges {
    std::optional<std::string> title, body, priority, type, asset, reporter, complaint_type;
};

// The verbs below act on one or several tickets in ONE write transaction: all of them change
// or none does (the first failure names its ticket); notifications go out after the commit.
// An empty id list is a UsageError.

/// Applies changes; DataError for unknown names (an asset tag that is not registered among
/// them) or a type whose workflow lacks the status.
void update_tickets(Context& ctx, const std::vector<std::int64_t>& ids, const TicketChanges& changes);
/// Assigns to a person, or with `auto_assign` to whoever is on duty for each ticket's team
/// (else its least-loaded member); returns the assignee of each ticket, in order. The one
/// rule of automatic assignment: create_ticket and the escalations use it too.
std::vector<std::string> assign_tickets(Context& ctx, const std::vector<std::int64_t>& ids, const std::string& person,
                                        bool auto_assign);
/// Adds a comment or work-log entry with time spent (seconds) to each ticket.
void comment_tickets(Context& ctx, const std::vector<std::int64_t>& ids, const std::string& text, bool internal,
                     std::int64_t spent);
/// Moves tickets to a state the workflow allows from their current one (DataError naming the
/// allowed states otherwise); a note becomes an internal comment. A state that needs
/// approval is entered only once its quorum approved (NotPermitted naming who may still
/// approve), or with an `emergency` reason, approved afterwards (ticket/approval.hpp).
/// Into a final state, a ticket with open children (not moved by the same call) is refused
/// unless `force`.
void move_tickets(Context& ctx, const std::vector<std::int64_t>& ids, const std::string& state,
                  const std::string& note, const std::optional<std::string>& emergency = std::nullopt,
                  bool force = false);
/// Moves to the workflow's first resolved state reachable from here, recording the resolution.
/// With `children`, the open children of each (links "child-of") that are not resolved yet
/// are resolved too, with the same resolution. Returns those left unresolved (without it).
/// With `known_error` (published), each ticket resolved records that its workaround solved it
/// (ticket_known_errors; the event's "known_error" field).
std::vector<std::int64_t> resolve_tickets(Context& ctx, const std::vector<std::int64_t>& ids,
                                          const std::string& resolution, bool children = false,
                                          std::optional<std::int64_t> known_error = std::nullopt);
/// Moves to the first final state reachable from here, recording a 1-5 satisfaction score.
/// A ticket with open children (not closed by the same call) is refused unless `force`.
void close_tickets(Context& ctx, const std::vector<std::int64_t>& ids, std::optional<int> satisfaction,
                   bool force = false);
/// Takes resolved or final tickets to the workflow's reopen state.
void reopen_tickets(Context& ctx, const std::vector<std::int64_t>& ids, const std::string& note);
/// Links two tickets: kind is caused-by, child-of (`to` is the parent: one parent per ticket,
/// no cycles), duplicate-of or related.
void link_tickets(Context& ctx, std::int64_t id, std::int64_t to, const std::string& kind);
/// Removes the links from `id` to `to` of `kind` (every kind when empty); NotFound when there
/// is none. Returns the kinds removed.
std::vector<std::string> unlink_tickets(Context& ctx, std::int64_t id, std::int64_t to, const std::string& kind);

/// A link as `ticket show` lists it, seen from the ticket shown.
struct LinkedTicket {
    std::string kind;       // caused-by, child-of, duplicate-of, related
    bool outgoing = true;   // the ticket shown links to the other one (false: linked from it)
    std::int64_t other = 0; // the other ticket's id
    std::string title;      // the other ticket's title; empty when it is gone
};

/// Everything `ticket show` and `ticket clock` present.
struct TicketDetail {
    store::TicketRow row;
    SlaClock response;
    SlaClock resolution;
    std::vector<store::CommentRow> comments;
    std::vector<store::LinkRow> links;
    std::vector<LinkedTicket> linked; // the links again, each with the other ticket's title
    std::vector<store::Event> history;
};
/// One ticket with its clocks recomputed from events as of ctx.now; NotFound when absent.
TicketDetail ticket_detail(Context& ctx, std::int64_t id, bool explain_clocks);
/// Tickets matching a query ("me" as an assignee means ctx.actor).
std::vector<store::TicketRow> list_tickets(Context& ctx, store::TicketQuery query);
/// True when a clock of the ticket has a target but, neither stopped nor running, no due time:
/// it stands still in a pause state. Reads stored columns only (a listing row will do).
bool is_paused(const store::TicketRow& row);
/// The SLA word a listing shows for a ticket at `now`: "breached" (a clock breached or the
/// next due time past), "ok" (a clock running), "paused", "-" (no clock), or "" when closed.
std::string sla_flag(const store::TicketRow& row, std::int64_t now);
/// The due time a listing shows: the next one of an open ticket's running clocks.
std::optional<std::int64_t> listed_due(const store::TicketRow& row);

/// One clock that is past or near its target, found by sla_sweep.
struct SlaAlert {
    store::TicketRow row;
    SlaClock clock;
    std::vector<std::string> fired; // escalation steps fired on this run ("75%", "100% -> zhangwei")
};
/// The result of `ticket sla`: 0 none at risk, 1 some at risk, 2 some breached.
struct SlaSweep {
    std::vector<SlaAlert> alerts;
    int status = 0;
};
/// Recomputes the clocks of every open ticket, stores them, fires escalation steps that are due
/// and not yet fired (once each), and reports clocks at or past `share` of their target.
SlaSweep sla_sweep(Context& ctx, double share);

/// Recomputes both SLA clocks of `row` from its events (oldest first) and writes their outcome
/// into the row's SLA columns (responded_at, due, elapsed, breached, sla_order, ...).
std::pair<SlaClock, SlaClock> compute_sla(const Context& ctx, const core::BusinessCalendar& cal,
                                          store::TicketRow& row, const std::vector<store::Event>& events,
                                          bool explain = false);

/// The priority names in policy order (most urgent first) with their rank, for sorting.
int priority_rank(const Context& ctx, const std::string& priority);

} // namespace opsctl::ticket
