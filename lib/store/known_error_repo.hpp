#pragma once
// Known errors (table known_errors, its search index) and the tickets their workaround solved
// (table ticket_known_errors).

#include "lib/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::store {

/// One known error as stored.
struct KnownErrorRow {
    std::int64_t id = 0;
    std::int64_t problem_id = 0;
    std::string title, symptom, cause, workaround, fix;
    std::string status = "published"; // or "retired"
    std::int64_t created_at = 0, updated_at = 0;
    std::optional<std::int64_t> retired_at;
    std::string retire_reason;
    std::int64_t solved = 0; // tickets recorded as solved by it (read only)
};

/// Inserts the row and its search text; returns the new id.
std::int64_t insert_known_error(Database& db, const KnownErrorRow& row);
/// Writes every column of row `row.id` and its search text.
void save_known_error(Database& db, const KnownErrorRow& row);
/// The known error `id`, with its count of solved tickets.
std::optional<KnownErrorRow> find_known_error(Database& db, std::int64_t id);

/// What `kb list` and `kb search` select.
struct KnownErrorQuery {
    std::string search;                // literal text anywhere in it; empty: no condition
    bool retired = false;              // include retired ones
    std::optional<std::int64_t> problem; // published by this problem only
    std::int64_t limit = 0;            // 0: no limit
};
/// Matching known errors, newest first.
std::vector<KnownErrorRow> query_known_errors(Database& db, const KnownErrorQuery& q);
/// Published known errors that share words with `text`, likeliest first, at most `limit`:
/// candidates for the caller to score.
std::vector<KnownErrorRow> related_known_errors(Database& db, const std::string& text, std::int64_t limit);

/// Records that ticket `ticket_id` was solved by known error `known_error_id` at `at`
/// (replacing an earlier one); returns the one it replaced, if any.
std::optional<std::int64_t> set_ticket_known_error(Database& db, std::int64_t ticket_id, std::int64_t known_error_id,
                                                   std::int64_t at);
/// The known error recorded as having solved ticket `ticket_id`.
std::optional<std::int64_t> ticket_known_error(Database& db, std::int64_t ticket_id);

} // namespace opsctl::store
