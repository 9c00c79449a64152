#pragma once
// Paging the person on duty until someone answers: an event the policy's `notify.paging`
// chooses (a P1 ticket, a CRITICAL check, a failed backup) opens a page in its transaction
// (lib/notify/outbox.cpp); each flush then pages the person on duty in the policy's rotation,
// and, while nobody acknowledges within `after`, the next level of the escalation chain (a
// rotation's person on duty, or a named person), through the chain `rounds` times. A page
// stops on `page ack`, or when someone acts on the ticket that paged. Every step is an event.
// Driven by `opsctl notify flush` from cron or a systemd timer: no daemon.

#include "lib/context/context.hpp"
#include "lib/notify/outbox.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::page {

/// One page, as `page list` shows it.
struct Page {
    std::int64_t id = 0;
    std::string kind;
    std::string subject;
    std::string title;
    std::string status; // "open", "acknowledged", "exhausted"
    int step = 0;       // pages sent so far
    std::string person; // the one paged last
    std::int64_t opened_at = 0;
    std::optional<std::int64_t> next_at; // open pages: when the next level is paged
    std::optional<std::int64_t> acked_at;
    std::string acked_by;
};

/// What one round of paging did.
struct Advance {
    int paged = 0;        // steps sent (one person each)
    int acknowledged = 0; // pages stopped because their ticket was acted on
    int exhausted = 0;    // pages whose chain ran out
};

/// Takes every open page whose step is due at ctx.now one step on, each in its own transaction:
/// stops it when its ticket was acted on, pages the level's person (the message goes to the
/// paging channels' outbox), or marks it exhausted after the last level of the last round.
Advance advance(const Context& ctx);

/// The first step of every open page not paged yet, as advance() takes it: what a command that
/// opened a page runs after its commit (notify::after_commit, through notify::set_page_starter),
/// so that the first person is paged at once. Does nothing (0) when the policy's roster and
/// people were not loaded: the page then waits for `notify flush`. Returns how many it paged.
int first_steps(const Context& ctx);

/// What `notify flush` did: the pages, then the outbox.
struct Flush {
    Advance pages;
    notify::FlushResult sent;
};

/// advance() the pages, then notify::flush() the outbox.
Flush flush(const Context& ctx, int limit);

/// Acknowledges page `id` as ctx.actor: no more steps. NotFound for no such page, DataError
/// for one that is no longer open.
Page ack(const Context& ctx, std::int64_t id);

/// Pages, newest first: the open ones, or all; at most `limit`.
std::vector<Page> list(const Context& ctx, bool all, int limit);

} // namespace opsctl::page
