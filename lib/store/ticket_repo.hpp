#pragma once
// SQL of the ticket tables: tickets, comments, links, fired escalations and the search index.

#include "lib/store/database.hpp"
#include "lib/store/events.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::store {

/// The sla_order of a ticket with no clock running: sorts after every real instant.
inline constexpr std::int64_t k_no_due = 9000000000000000;

/// One row of the tickets table (see schema_tickets.cpp for what each column means).
struct TicketRow {
    std::int64_t id = 0;
    std::string type, priority, status;
    bool is_open = true;
    std::string title, body;
    std::optional<std::string> team, assignee, asset, reporter, source, resolution;
    std::int64_t created_at = 0, updated_at = 0;
    std::optional<std::int64_t> responded_at, resolved_at, closed_at;
    std::optional<std::string> sla_rule, sla_clock;
    std::optional<std::int64_t> response_target_secs, resolution_target_secs;
    std::optional<std::int64_t> response_due_at, resolution_due_at;
    std::int64_t response_business_secs = 0, resolution_business_secs = 0;
    std::int64_t response_clock_secs = 0, resolution_clock_secs = 0;
    bool response_breached = false, resolution_breached = false;
    std::int64_t paused_secs = 0;
    std::int64_t sla_order = k_no_due;
    std::int64_t spent_secs = 0;
    std::optional<std::int64_t> satisfaction;
    std::optional<std::string> complaint_type;
};

/// One comment or work-log entry.
struct CommentRow {
    std::int64_t id = 0;
    std::int64_t ticket_id = 0;
    std::int64_t at = 0;
    std::string author;
    std::string body;
    bool internal = false;
    std::int64_t spent_secs = 0;
};

/// One link as seen from a ticket: `outgoing` when this ticket is the link's subject.
struct LinkRow {
    std::int64_t ticket_id = 0;
    std::string kind;
    std::int64_t target_id = 0;
    std::int64_t created_at = 0;
};

/// Filters and order of a ticket listing; empty lists and nullopt mean "any".
struct TicketQuery {
    std::vector<std::string> statuses, types, priorities, assignees, teams, assets;
    std::optional<bool> open;                       // true: open only, false: closed only
    std::optional<std::int64_t> since, until;       // created_at in [since, until)
    bool breached = false;                          // breached, or a running clock past due at `now`
    std::int64_t now = 0;
    std::string search;                             // title, body and comments
    std::string sort = "due";                       // due, id, created, updated, priority
    std::int64_t limit = 0;                         // 0 = all
    bool listing = false;                           // read only the columns a listing shows
};

/// The sort keys a TicketQuery accepts.
const std::vector<std::string>& ticket_sort_keys();

/// Inserts a ticket (with row.id when > 0) and its search entry; returns the id.
std::int64_t insert_ticket(Database& db, const TicketRow& row);
/// Writes every column of an existing ticket, and its title/body into the search index.
void save_ticket(Database& db, const TicketRow& row);
/// The ticket with this id.
std::optional<TicketRow> find_ticket(Database& db, std::int64_t id);
/// Tickets matching a query, in its order. With q.listing only id, type, priority, status,
/// is_open, title, team, assignee, asset, created_at, sla_order, the due times, the targets,
/// the responded and resolved times and the breach flags are filled in.
std::vector<TicketRow> query_tickets(Database& db, const TicketQuery& q);
/// The newest tickets naming an asset (created_at, id descending), at most `limit` (0: all),
/// with only the columns of a listing filled in (see TicketQuery::listing).
std::vector<TicketRow> asset_ticket_summaries(Database& db, const std::string& tag,
                                              std::int64_t limit);
/// Calls fn for every ticket in id order (export).
void each_ticket(Database& db, const std::function<void(const TicketRow&)>& fn);
/// Ids of open tickets, oldest first.
std::vector<std::int64_t> open_ticket_ids(Database& db);
/// The open ticket with this source key.
std::optional<std::int64_t> open_ticket_by_source(Database& db, const std::string& source);
/// Open tickets per assignee, for least-loaded assignment.
std::map<std::string, std::int64_t> open_load_by_assignee(Database& db);
/// The highest ticket id (0 when there are none).
std::int64_t max_ticket_id(Database& db);
/// True when a ticket with this id exists.
bool ticket_exists(Database& db, std::int64_t id);

/// Adds a comment and appends it to the ticket's search entry; returns its id.
std::int64_t insert_comment(Database& db, const CommentRow& row);
/// Comments of a ticket, oldest first.
std::vector<CommentRow> comments_of(Database& db, std::int64_t ticket_id);

/// Adds a link; false when it already existed.
bool insert_link(Database& db, const LinkRow& row);
/// Removes the link ticket_id -kind-> target_id; false when there was none.
bool delete_link(Database& db, const LinkRow& row);
/// Links from and to a ticket.
std::vector<LinkRow> links_of(Database& db, std::int64_t ticket_id);

/// True when an escalation step of a clock already fired for a ticket.
bool escalation_fired(Database& db, std::int64_t ticket_id, const std::string& clock, int step);
/// Records that an escalation step fired.
void mark_escalation(Database& db, std::int64_t ticket_id, const std::string& clock, int step, std::int64_t at);

/// Bulk writing for imports and generators: statements prepared once and reused, events
/// hash-chained exactly as record_event() does. Use inside one WriteTransaction.
class TicketBulkWriter {
  public:
    /// `search_index` false leaves tickets_fts alone (a loader that fills it separately).
    explicit TicketBulkWriter(Database& db, bool search_index = true);
    ~TicketBulkWriter();
    /// Inserts a ticket and its search entry (comments text as given); returns the id.
    std::int64_t add_ticket(const TicketRow& row, const std::string& comments_text = {});
    /// Inserts a comment row (the search entry is not touched: pass its text to add_ticket).
    void add_comment(const CommentRow& row);
    /// Appends an event to the hash chain.
    void add_event(const Event& event);
    /// Appends an event whose fields are already JSON text (stored and hashed as given;
    /// `event.fields` is not read).
    void add_event(const Event& event, const std::string& fields_text);
    /// The hash of the newest event (read once per transaction): the `prev_hash` of the next.
    const std::string& last_event_hash();
    /// Appends an event whose hash was computed by the caller as event_hash(event,
    /// last_event_hash(), fields_text), e.g. on another thread (`event.fields` is not read).
    void add_hashed_event(const Event& event, const std::string& fields_text, std::string hash);

  private:
    struct Statements;
    Database& m_db;
    std::unique_ptr<Statements> m_st;
    bool m_search_index = true;
};

/// Raises the search index's in-memory buffer (FTS5 'hashsize') for one large write
/// transaction, so that FTS5 writes one segment at commit instead of one per megabyte of
/// text and merging them. The setting is stored in the database: call restore() before
/// committing (a rollback restores it as well).
class SearchIndexBulkLoad {
  public:
    /// Raises the buffer to `bytes`; must run inside a WriteTransaction.
    explicit SearchIndexBulkLoad(Database& db, std::int64_t bytes = k_bytes);
    /// Puts the setting back as it was (row absent, or its previous value).
    void restore();
    /// The buffer of a bulk load: 100,000 tickets of the benchmark stay in one segment; a
    /// larger import writes one segment per 64 MiB of pending terms.
    static constexpr std::int64_t k_bytes = 64 << 20;

  private:
    Database& m_db;
    std::optional<std::string> m_before;
    bool m_restored = false;
};

} // namespace opsctl::store
