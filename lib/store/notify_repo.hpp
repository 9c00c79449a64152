#pragma once
// SQL of the notification outbox (schema_notify.cpp): what to send to which channel, and what
// became of each attempt.

#include "lib/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::store {

/// One message to one channel.
struct NotificationRow {
    std::int64_t id = 0;
    std::string idempotency_key;
    std::optional<std::int64_t> event_id;
    std::string channel;
    std::string kind;
    std::string payload; // the rendered message, JSON
    std::string status = "pending"; // "pending", "sent" or "failed"
    int attempts = 0;
    std::int64_t next_attempt_at = 0;
    std::int64_t claimed_until = 0;
    std::string last_error;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> sent_at;
};

/// The id of the newest event (the one the current transaction wrote last), if any.
std::optional<std::int64_t> last_event_id(Database& db);

/// Inserts a pending message (inside the caller's WriteTransaction); returns its id, or
/// nullopt when a message with the same idempotency key exists already (it is kept as it is).
std::optional<std::int64_t> insert_notification(Database& db, const NotificationRow& row);

/// Pending messages due at `now` and not claimed by another sender, oldest first, at most `limit`.
std::vector<NotificationRow> due_notifications(Database& db, std::int64_t now, int limit);

/// Claims a due message for sending until `until` and counts the attempt; false when another
/// sender claimed it first or it is no longer pending. Run in its own WriteTransaction.
bool claim_notification(Database& db, std::int64_t id, std::int64_t now, std::int64_t until);

/// Marks a claimed message sent at `at`.
void mark_notification_sent(Database& db, std::int64_t id, std::int64_t at);

/// Records a failed attempt: pending again from `next_attempt_at`, or 'failed' when `give_up`.
void mark_notification_failed(Database& db, std::int64_t id, const std::string& error,
                              std::int64_t next_attempt_at, bool give_up);

/// Messages, newest first: all, or those of one status; at most `limit`.
std::vector<NotificationRow> list_notifications(Database& db, const std::string& status, int limit);

/// Messages that failed for good and were created in [from, to), oldest first.
std::vector<NotificationRow> failed_notifications(Database& db, std::int64_t from, std::int64_t to);

} // namespace opsctl::store
