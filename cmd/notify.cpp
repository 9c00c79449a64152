// opsctl notify list|flush
#include "cmd/common.hpp"

#include "lib/core/error.hpp"
#include "lib/notify/outbox.hpp"
#include "lib/page/page.hpp"
#include "lib/output/time.hpp"

#include <fmt/format.h>

#include <iostream>

namespace opsctl::cmd {

namespace {

namespace sec = policy::section;
constexpr unsigned k_sections = sec::k_site | sec::k_notify;

struct NotifyListOptions {
    std::string status;
    int limit = 100;
};
struct NotifyFlushOptions {
    int limit = 100;
};

void run_notify_list(const NotifyListOptions& opt, Globals& g) {
    const Context ctx = g.context(k_sections);
    output::Table t;
    t.add_column("id", "ID").add_column("status", "Status").add_column("channel", "Channel");
    t.add_column("kind", "Kind").add_column("title", "Title").add_column("attempts", "Attempts");
    t.add_column("created", "Created").add_column("next_attempt", "Next attempt").add_column("sent", "Sent");
    t.add_column("error", "Last error").add_column("event", "Event").add_column("key", "Idempotency key");
    for (const auto& n : notify::list(ctx, opt.status, opt.limit)) {
        t.add_row({output::Cell::integer(n.id), n.status, n.channel, n.kind, n.title, output::Cell::integer(n.attempts),
                   output::time_cell(n.created_at, ctx.zone()),
                   n.status == "pending" ? output::time_cell(n.next_attempt_at, ctx.zone()) : output::Cell::null(),
                   output::time_cell(n.sent_at, ctx.zone()), n.last_error,
                   n.event_id ? output::Cell::integer(*n.event_id) : output::Cell::null(), n.key});
    }
    g.print(t);
}

void run_notify_flush(const NotifyFlushOptions& opt, Globals& g) {
    // Paging asks the roster who is on duty.
    const Context ctx = g.context(k_sections | sec::k_people | sec::k_roster, "notify.flush");
    const auto f = page::flush(ctx, opt.limit);
    const auto& r = f.sent;
    if (!g.quiet) {
        if (ctx.policy.notify.paging.enabled) {
            std::cout << fmt::format("paged {}, acknowledged by acting {}, exhausted {}\n", f.pages.paged,
                                     f.pages.acknowledged, f.pages.exhausted);
        }
        std::cout << fmt::format("sent {}, to retry {}, failed {}, held {}\n", r.sent, r.retrying, r.failed, r.held);
    }
    if (r.retrying + r.failed > 0) {
        throw Failure(fmt::format("{} notification{} could not be sent", r.retrying + r.failed,
                                  r.retrying + r.failed == 1 ? "" : "s"),
                      "see opsctl notify list --status pending");
    }
}

} // namespace

void register_notify(CLI::App& app, Globals& g) {
    auto* group = app.add_subcommand("notify", "Notifications: the outbox of messages to chat robots, webhooks and mail");
    group->require_subcommand(1);
    const VerbFilter want(g, {"list", "flush"});

    if (want("list")) {
        auto opt = std::make_shared<NotifyListOptions>();
        auto* sub = group->add_subcommand("list", "Messages in the outbox, newest first");
        sub->add_option("--status", opt->status, "Only pending, sent or failed messages")
            ->check(CLI::IsMember({"pending", "sent", "failed"}));
        sub->add_option("-n,--limit", opt->limit, "At most this many messages")->check(CLI::Range(1, 100000));
        sub->callback([opt, &g] { run_notify_list(*opt, g); });
    }
    if (want("flush")) {
        auto opt = std::make_shared<NotifyFlushOptions>();
        auto* sub = group->add_subcommand(
            "flush", "Send the messages that are due, retrying failed ones with backoff (for cron; exit 1 when one failed)");
        sub->add_option("-n,--limit", opt->limit, "At most this many messages")->check(CLI::Range(1, 100000));
        sub->callback([opt, &g] { run_notify_flush(*opt, g); });
    }
}

} // namespace opsctl::cmd
