#include "lib/notify/outbox.hpp"

#include "lib/core/error.hpp"
#include "lib/core/log.hpp"
#include "lib/core/time.hpp"
#include "lib/notify/channel.hpp"
#include "lib/notify/notify.hpp"
#include "lib/notify/render.hpp"
#include "lib/context/audit.hpp"
#include "lib/store/notify_repo.hpp"
#include "lib/store/page_repo.hpp"
#include "lib/util/sha256.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>

namespace opsctl::notify {

namespace {

bool admits(const std::vector<std::string>& filter, const nlohmann::json& data, const char* field) {
    if (filter.empty() || !data.is_object() || !data.contains(field) || !data[field].is_string()) {
        return true;
    }
    return std::find(filter.begin(), filter.end(), data[field].get<std::string>()) != filter.end();
}

std::string idempotency_key(std::optional<std::int64_t> event_id, std::int64_t now, const std::string& channel,
                            const std::string& kind, const std::string& data) {
    util::Sha256 h;
    h.update(event_id ? std::to_string(*event_id) : "at " + std::to_string(now));
    h.update("\n" + channel + "\n" + kind + "\n");
    h.update(data);
    return h.hex().substr(0, 32);
}

std::int64_t backoff_delay(const policy::NotifyPolicy& p, int attempts) {
    std::int64_t delay = std::max<std::int64_t>(1, p.backoff.approx_seconds());
    for (int i = 1; i < attempts && delay < 3600; ++i) {
        delay *= 2;
    }
    return std::min<std::int64_t>(delay, 3600);
}

long timeout_ms(const policy::NotifyPolicy& p, const policy::NotifyChannel& c) {
    const auto t = c.timeout.is_zero() ? p.timeout : c.timeout;
    return static_cast<long>(std::clamp<std::int64_t>(t.approx_seconds(), 1, 60) * 1000);
}

// Channels that failed in this process: a command waits on each slow channel once.
std::set<std::string>& failed_channels() {
    static std::set<std::string> s;
    return s;
}

Notification from_row(const store::NotificationRow& r) {
    Notification n;
    n.id = r.id;
    n.key = r.idempotency_key;
    n.event_id = r.event_id;
    n.channel = r.channel;
    n.kind = r.kind;
    const auto payload = nlohmann::json::parse(r.payload, nullptr, false);
    n.title = payload.is_object() ? payload.value("title", "") : "";
    n.status = r.status;
    n.attempts = r.attempts;
    n.next_attempt_at = r.next_attempt_at;
    n.last_error = r.last_error;
    n.created_at = r.created_at;
    n.sent_at = r.sent_at;
    return n;
}

} // namespace

bool routed(const policy::NotifyChannel& c, const std::string& kind, const nlohmann::json& data) {
    return wants(c.events, kind) && admits(c.priorities, data, "priority") && admits(c.checklists, data, "checklist") &&
           admits(c.backup_jobs, data, "job");
}

namespace {

// Renders one message for channel `c` and writes it to the outbox; `hold_until` is when it
// may first be sent. False when the same message is there already.
bool queue_one(const Context& ctx, const policy::NotifyChannel& c, const std::string& kind, const nlohmann::json& data,
               std::optional<std::int64_t> event_id, std::int64_t hold_until) {
    const auto& p = ctx.policy.notify;
    const std::string data_text = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    const std::string language = c.language.empty() ? p.language : c.language;
    const auto values = template_values(kind, data, ctx.policy.site.name, core::format_time(ctx.now, ctx.zone()),
                                        ctx.now, language);
    const auto m = render(p, kind, language, format_of(c.type), values);
    nlohmann::json payload = {{"title", m.title}, {"text", m.text}};
    if (c.type == "webhook") {
        payload["kind"] = kind;
        payload["site"] = ctx.policy.site.name;
        payload["at"] = ctx.now;
        payload["data"] = data;
    }
    store::NotificationRow row;
    row.idempotency_key = idempotency_key(event_id, ctx.now, c.name, kind, data_text);
    row.event_id = event_id;
    row.channel = c.name;
    row.kind = kind;
    row.payload = payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    row.created_at = ctx.now;
    row.next_attempt_at = hold_until;
    return store::insert_notification(ctx.db, row).has_value();
}

std::string text_field(const nlohmann::json& data, const char* key) {
    if (!data.is_object() || !data.contains(key)) {
        return {};
    }
    const auto& v = data[key];
    return v.is_string() ? v.get<std::string>() : v.is_null() ? std::string() : v.dump();
}

// Opens a page when the policy's paging wants this event: a new ticket of a paging priority,
// a check that turned CRITICAL, a failed backup run. Its first step is due at once.
void open_page(const Context& ctx, const std::string& kind, const nlohmann::json& data,
               std::optional<std::int64_t> event_id) {
    const auto& g = ctx.policy.notify.paging;
    if (!g.enabled) {
        return;
    }
    store::PageRow row;
    const auto in = [](const std::vector<std::string>& list, const std::string& v) {
        return std::find(list.begin(), list.end(), v) != list.end();
    };
    if (kind == "ticket.created" && in(g.tickets, text_field(data, "priority"))) {
        row.ticket_id = data.value("id", std::int64_t{0});
        row.subject = "ticket " + text_field(data, "id");
        row.title = fmt::format("[{}] #{} {}", text_field(data, "priority"), text_field(data, "id"), text_field(data, "title"));
    } else if (kind == "inspect.failed" && g.inspections && text_field(data, "status") == "critical") {
        row.subject = "inspect run " + text_field(data, "run");
        row.title = fmt::format("{} / {} @ {}: {}", text_field(data, "checklist"), text_field(data, "item"),
                                text_field(data, "target"), text_field(data, "message"));
    } else if (kind == "backup.failed" && g.backups) {
        row.subject = "backup run " + text_field(data, "run");
        row.title = fmt::format("{}: {}", text_field(data, "job"), text_field(data, "error"));
    } else {
        return;
    }
    row.title = cut(one_line(row.title), 300);
    row.event_id = event_id;
    row.kind = kind;
    row.opened_at = ctx.now;
    row.next_at = ctx.now;
    const auto id = store::insert_page(ctx.db, row);
    audit::record(ctx, "page", std::to_string(id), "opened",
                  {{"kind", kind}, {"subject", row.subject}, {"title", row.title}});
}

} // namespace

int queue(const Context& ctx, const std::string& kind, const nlohmann::json& data) {
    const auto& p = ctx.policy.notify;
    if (p.channels.empty()) {
        return 0;
    }
    const auto event_id = store::last_event_id(ctx.db);
    std::optional<core::BusinessCalendar> calendar;
    int queued = 0;
    for (const auto& [name, c] : p.channels) {
        if (!routed(c, kind, data)) {
            continue;
        }
        std::int64_t hold_until = ctx.now;
        if (c.quiet_outside_business_hours) {
            const std::string priority = text_field(data, "priority");
            const bool urgent = !priority.empty() &&
                                std::find(c.quiet_except.begin(), c.quiet_except.end(), priority) != c.quiet_except.end();
            if (!urgent) {
                if (!calendar) {
                    calendar = ctx.policy.business_calendar();
                }
                hold_until = calendar->next_working_time(ctx.now);
            }
        }
        queued += queue_one(ctx, c, kind, data, event_id, hold_until) ? 1 : 0;
    }
    open_page(ctx, kind, data, event_id);
    return queued;
}

int queue_to(const Context& ctx, const std::vector<std::string>& channels, const std::string& kind,
             const nlohmann::json& data) {
    const auto event_id = store::last_event_id(ctx.db);
    int queued = 0;
    for (const auto& name : channels) {
        if (auto it = ctx.policy.notify.channels.find(name); it != ctx.policy.notify.channels.end()) {
            queued += queue_one(ctx, it->second, kind, data, event_id, ctx.now) ? 1 : 0;
        }
    }
    return queued;
}

namespace {

// Sends what is due; with `budget_ms` above 0, all the sends together take at most that long
// (each send gets what is left of it, and none starts with less than a second left).
FlushResult flush_within(const Context& ctx, int limit, long budget_ms) {
    const auto& p = ctx.policy.notify;
    FlushResult result;
    const auto started = std::chrono::steady_clock::now();
    for (const auto& row : store::due_notifications(ctx.db, ctx.now, limit)) {
        const auto it = p.channels.find(row.channel);
        const policy::NotifyChannel* channel = it == p.channels.end() ? nullptr : &it->second;
        if (failed_channels().count(row.channel)) {
            ++result.held;
            continue;
        }
        long timeout = channel ? timeout_ms(p, *channel) : 0;
        if (budget_ms > 0) {
            const long left = budget_ms - static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                                std::chrono::steady_clock::now() - started)
                                                                .count());
            if (left < 1000) {
                ++result.held;
                continue;
            }
            timeout = std::min(timeout, left);
        }
        {
            // Claimed for longer than a send can take: another flush leaves it alone meanwhile.
            const bool claimed = store::write_transaction(ctx.db, [&] {
                return store::claim_notification(ctx.db, row.id, ctx.now, ctx.now + timeout / 1000 + 300);
            });
            if (!claimed) {
                continue;
            }
        }
        SendResult sent;
        if (!channel) {
            sent.error = fmt::format("channel '{}' is not in the policy (any more)", row.channel);
        } else {
            const auto payload = nlohmann::json::parse(row.payload, nullptr, false);
            sent = send_message(*channel, payload, row.idempotency_key, ctx.now, timeout);
        }
        const int attempts = row.attempts + 1;
        const bool give_up = !sent.ok && attempts >= p.attempts;
        store::write_transaction(ctx.db, [&] {
            if (sent.ok) {
                store::mark_notification_sent(ctx.db, row.id, ctx.now);
            } else {
                store::mark_notification_failed(ctx.db, row.id, sent.error, ctx.now + backoff_delay(p, attempts),
                                                give_up);
            }
        });
        if (sent.ok) {
            ++result.sent;
        } else {
            failed_channels().insert(row.channel);
            ++(give_up ? result.failed : result.retrying);
            core::warn(fmt::format("notification {} to '{}' {}: {}", row.id, row.channel,
                                   give_up ? fmt::format("failed for good after {} attempts", attempts)
                                           : "failed, will retry",
                                   sent.error));
        }
    }
    return result;
}

} // namespace

FlushResult flush(const Context& ctx, int limit) { return flush_within(ctx, limit, 0); }

namespace {

PageStarter& page_starter() {
    static PageStarter starter = nullptr;
    return starter;
}

} // namespace

void set_page_starter(PageStarter starter) { page_starter() = starter; }

void after_commit(const Context& ctx, const std::string& kind, const nlohmann::json& data) {
    emit(ctx.policy.notify, ctx.policy.site.name, kind, data, ctx.now);
    if (ctx.policy.notify.channels.empty()) {
        return;
    }
    if (ctx.policy.notify.paging.enabled && page_starter()) {
        // The first page of what the transaction opened goes out now, with the rest of its
        // messages, rather than at the next flush from cron: a P1 at night must not wait a minute.
        try {
            page_starter()(ctx);
        } catch (const std::exception& e) {
            core::warn(fmt::format("paging not started now ({}); 'opsctl notify flush' pages", e.what()));
        }
    }
    try {
        // A command waits on the channels for the section's timeout in all, however many fail.
        flush_within(ctx, 20, static_cast<long>(std::clamp<std::int64_t>(ctx.policy.notify.timeout.approx_seconds(), 1, 60) * 1000));
    } catch (const std::exception& e) {
        // The change is committed; its messages wait in the outbox for the next flush.
        core::warn(fmt::format("notifications not sent now ({}); 'opsctl notify flush' sends them", e.what()));
    }
}

std::vector<Notification> list(const Context& ctx, const std::string& status, int limit) {
    std::vector<Notification> out;
    for (const auto& r : store::list_notifications(ctx.db, status, limit)) {
        out.push_back(from_row(r));
    }
    return out;
}

std::vector<Notification> failed_between(const Context& ctx, std::int64_t from, std::int64_t to) {
    std::vector<Notification> out;
    for (const auto& r : store::failed_notifications(ctx.db, from, to)) {
        out.push_back(from_row(r));
    }
    return out;
}

} // namespace opsctl::notify
