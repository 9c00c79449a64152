#pragma once
// Known errors (ITIL's known error database, the seeds' 知识库): what a problem ticket found
// out (symptom, cause, workaround, fix), published so that the next incident with the same
// symptom is solved by the workaround. `opsctl kb` and `ticket new`/`ticket resolve --kb`.

#include "lib/context/context.hpp"
#include "lib/store/events.hpp"
#include "lib/store/known_error_repo.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::ticket {

/// A known error as stored, and what `kb list` and `kb search` select (lib/store).
using KnownError = store::KnownErrorRow;
using KnownErrorQuery = store::KnownErrorQuery;

/// The policy sections the known error verbs read (the problem types are report.problem_types).
inline constexpr unsigned k_known_error_sections = policy::section::k_people | policy::section::k_tickets |
                                                   policy::section::k_report;

/// How a known error is named: "KE-12".
std::string known_error_name(std::int64_t id);
/// Reads "KE-12", "ke-12" or "12"; UsageError for anything else.
std::int64_t parse_known_error_id(const std::string& word);

/// The text of a known error; on edit, nullopt leaves a field as it is.
struct KnownErrorText {
    std::optional<std::string> title, symptom, cause, workaround, fix;
};

/// Publishes a known error from problem ticket `problem_id` (a type of report.problem_types)
/// in its own write transaction, with a "published" event. Symptom, cause and workaround are
/// required, the title defaults to the problem's. NotFound for no such ticket; DataError for
/// a ticket that is no problem, an empty or oversized field, or text that is not UTF-8.
store::KnownErrorRow publish_known_error(Context& ctx, std::int64_t problem_id, const KnownErrorText& text);
/// Changes the fields given (an "updated" event with each change); DataError when nothing
/// changes or a retired one is edited; NotFound when there is none.
store::KnownErrorRow edit_known_error(Context& ctx, std::int64_t id, const KnownErrorText& changes);
/// Retires a known error (a "retired" event): no longer listed, searched or offered.
store::KnownErrorRow retire_known_error(Context& ctx, std::int64_t id, const std::string& reason);

/// A known error with what `kb show` adds: its problem's title and its history.
struct KnownErrorDetail {
    store::KnownErrorRow row;
    std::string problem_title;
    std::vector<store::Event> history;
};
/// NotFound when there is none.
KnownErrorDetail known_error_detail(Context& ctx, std::int64_t id);
/// Known errors of a query, newest first.
std::vector<store::KnownErrorRow> list_known_errors(Context& ctx, const store::KnownErrorQuery& query);
/// Published known errors that match a new ticket's title: those holding at least two of its
/// runs of three characters (a common stretch of four characters, or two shorter ones),
/// most shared first, at most `limit`.
std::vector<store::KnownErrorRow> matching_known_errors(Context& ctx, const std::string& title, std::size_t limit);

/// The known error recorded as having solved ticket `ticket_id` (ticket resolve --kb).
std::optional<store::KnownErrorRow> known_error_of_ticket(Context& ctx, std::int64_t ticket_id);

/// Checks that known error `id` exists and is published (inside the caller's transaction):
/// NotFound, or DataError for a retired one.
void require_published_known_error(Context& ctx, std::int64_t id);

} // namespace opsctl::ticket
