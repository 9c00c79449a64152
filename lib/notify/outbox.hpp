#pragma once
// The notification outbox: a message per routed channel is written in the transaction of the
// event that caused it, and sent after commit with a bounded timeout; a failed send is retried
// with backoff by the next command that notifies, or by `opsctl notify flush` from cron.
//
// Delivery is at least once, never twice in the normal course: a message is claimed in one
// transaction, sent, and marked sent in another. If opsctl dies (or the database stays busy)
// between the send and the mark, the claim runs out and the message is sent again; the JSON
// webhook receives the same Idempotency-Key and a mail the same Message-ID then, so that a
// receiver can drop the repeat. The robots of WeCom, DingTalk and Feishu know no such key.

#include "lib/context/context.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::notify {

/// One message of the outbox, as `notify list` shows it.
struct Notification {
    std::int64_t id = 0;
    std::string key; // idempotency key
    std::optional<std::int64_t> event_id;
    std::string channel;
    std::string kind;
    std::string title;
    std::string status; // "pending", "sent" or "failed"
    int attempts = 0;
    std::int64_t next_attempt_at = 0;
    std::string last_error;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> sent_at;
};

/// True when `channel` takes events of `kind` with `data`: its event patterns match, and its
/// priority, checklist and backup job filters admit the event's "priority", "checklist" and
/// "job" (a filter applies only to events that carry its field).
bool routed(const policy::NotifyChannel& channel, const std::string& kind, const nlohmann::json& data);

/// Writes one message per channel routed `kind` into the outbox, inside the caller's
/// WriteTransaction and after its audit::record (the newest event is the cause). A channel
/// with quiet hours holds a message outside working time unless its priority is excepted.
/// Opens a page (notify.paging) when the event calls for one. Returns how many were written.
int queue(const Context& ctx, const std::string& kind, const nlohmann::json& data);

/// Writes one message of `kind` to each of `channels` (names of the policy's channels), past
/// their routing and quiet hours: for pages, which must wake someone. Inside the caller's
/// WriteTransaction, after its event. Returns how many were written.
int queue_to(const Context& ctx, const std::vector<std::string>& channels, const std::string& kind,
             const nlohmann::json& data);

/// What one flush did.
struct FlushResult {
    int sent = 0;
    int retrying = 0; // failed this time, to be tried again later
    int failed = 0;   // failed for the last time
    int held = 0;     // left for later: their channel already failed in this run
};

/// Sends the messages due at ctx.now, oldest first, at most `limit`, each under its channel's
/// timeout; a channel that fails is not tried again in the same process, so a command waits
/// on a slow channel once at most. Never throws for a send; a busy database throws Busy.
FlushResult flush(const Context& ctx, int limit = 100);

/// After the commit of the transaction that queued `kind`: runs the hooks that want it, takes
/// the first step of each page it opened (set_page_starter), then sends what is due, the pages
/// among it, for the section's timeout in all (what is left waits for the next flush).
/// Reports failures as warnings and never throws.
void after_commit(const Context& ctx, const std::string& kind, const nlohmann::json& data);

/// Pages the first person of every open page not paged yet, each in its own transaction (its
/// message goes to the outbox); returns how many it paged.
using PageStarter = int (*)(const Context& ctx);

/// Sets what after_commit calls to page the first person of a page that a command opened
/// (page::first_steps): paging asks the roster who is on duty, in a layer above this one, so
/// the binary hands it down once at start-up. Unset, a page waits for `notify flush`.
void set_page_starter(PageStarter starter);

/// The outbox, newest first: all, or one status ("pending", "sent", "failed"); at most `limit`.
std::vector<Notification> list(const Context& ctx, const std::string& status, int limit);

/// Messages created in [from, to) that failed for good, oldest first (for the monthly review).
std::vector<Notification> failed_between(const Context& ctx, std::int64_t from, std::int64_t to);

} // namespace opsctl::notify
