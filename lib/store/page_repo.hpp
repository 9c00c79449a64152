#pragma once
// SQL of pages (schema_notify.cpp): who was woken about what, step by step, until someone answers.

#include "lib/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::store {

/// One page.
struct PageRow {
    std::int64_t id = 0;
    std::optional<std::int64_t> event_id;
    std::string kind;    // the event kind that paged
    std::string subject; // "ticket 12", "inspect run 3", "backup run 5"
    std::optional<std::int64_t> ticket_id;
    std::string title;
    std::string status = "open"; // "open", "acknowledged", "exhausted"
    int step = 0;
    std::string person;
    std::int64_t opened_at = 0;
    std::int64_t next_at = 0;
    std::optional<std::int64_t> acked_at;
    std::string acked_by;
};

/// Inserts an open page; returns its id.
std::int64_t insert_page(Database& db, const PageRow& row);
/// Open pages whose next step is due at `now`, oldest first; with `first_only`, only those
/// whose first person has not been paged yet (step 0).
std::vector<PageRow> due_pages(Database& db, std::int64_t now, bool first_only = false);
/// The page with this id.
std::optional<PageRow> find_page(Database& db, std::int64_t id);
/// Saves a page's status, step, person, next step and acknowledgement.
void save_page(Database& db, const PageRow& row);
/// Pages, newest first: only the open ones, or all; at most `limit`.
std::vector<PageRow> list_pages(Database& db, bool open_only, int limit);
/// Who first changed ticket `ticket_id` after event `after_event` (an event of the ticket
/// other than an SLA escalation), and when; nullopt when nobody has.
std::optional<std::pair<std::string, std::int64_t>> ticket_acted_on(Database& db, std::int64_t ticket_id,
                                                                     std::int64_t after_event);

} // namespace opsctl::store
