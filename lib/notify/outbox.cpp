#include "lib/notify/outbox.hpp"

#include "lib/core/error.hpp"
#include "lib/core/log.hpp"
#include "lib/core/time.hpp"
#include "lib/notify/channel.hpp"
#include "lib/notify/notify.hpp"
#include "lib/notify/render.hpp"
#include "lib/store/notify_repo.hpp"
#include "lib/util/sha256.hpp"

#include <fmt/format.h>

#include <algorithm>
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

int queue(const Context& ctx, const std::string& kind, const nlohmann::json& data) {
    const auto& p = ctx.policy.notify;
    if (p.channels.empty()) {
        return 0;
    }
    const auto event_id = store::last_event_id(ctx.db);
    const std::string data_text = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    const std::string at_text = core::format_time(ctx.now, ctx.zone());
    std::optional<core::BusinessCalendar> calendar;
    int queued = 0;
    for (const auto& [name, c] : p.channels) {
        if (!routed(c, kind, data)) {
            continue;
        }
        const std::string language = c.language.empty() ? p.language : c.language;
        const auto values = template_values(kind, data, ctx.policy.site.name, at_text, ctx.now, language);
        const auto m = render(p, kind, language, format_of(c.type), values);
        nlohmann::json payload = {{"title", m.title}, {"text", m.text}};
        if (c.type == "webhook") {
            payload["kind"] = kind;
            payload["site"] = ctx.policy.site.name;
            payload["at"] = ctx.now;
            payload["data"] = data;
        }
        store::NotificationRow row;
        row.idempotency_key = idempotency_key(event_id, ctx.now, name, kind, data_text);
        row.event_id = event_id;
        row.channel = name;
        row.kind = kind;
        row.payload = payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        row.created_at = ctx.now;
        row.next_attempt_at = ctx.now;
        if (c.quiet_outside_business_hours) {
            const std::string priority =
                data.is_object() && data.contains("priority") && data["priority"].is_string() ? data["priority"].get<std::string>() : "";
            const bool urgent = !priority.empty() &&
                                std::find(c.quiet_except.begin(), c.quiet_except.end(), priority) != c.quiet_except.end();
            if (!urgent) {
                if (!calendar) {
                    calendar = ctx.policy.business_calendar();
                }
                row.next_attempt_at = calendar->next_working_time(ctx.now);
            }
        }
        if (store::insert_notification(ctx.db, row)) {
            ++queued;
        }
    }
    return queued;
}

FlushResult flush(const Context& ctx, int limit) {
    const auto& p = ctx.policy.notify;
    FlushResult result;
    for (const auto& row : store::due_notifications(ctx.db, ctx.now, limit)) {
        const auto it = p.channels.find(row.channel);
        const policy::NotifyChannel* channel = it == p.channels.end() ? nullptr : &it->second;
        if (failed_channels().count(row.channel)) {
            ++result.held;
            continue;
        }
        const long timeout = channel ? timeout_ms(p, *channel) : 0;
        {
            // Claimed for longer than a send can take: another flush leaves it alone meanwhile.
            store::WriteTransaction tx(ctx.db);
            if (!store::claim_notification(ctx.db, row.id, ctx.now, ctx.now + timeout / 1000 + 300)) {
                continue;
            }
            tx.commit();
        }
        SendResult sent;
        if (!channel) {
            sent.error = fmt::format("channel '{}' is not in the policy (any more)", row.channel);
        } else {
            const auto payload = nlohmann::json::parse(row.payload, nullptr, false);
            sent = send_message(*channel, payload, row.idempotency_key, ctx.now, timeout);
        }
        const int attempts = row.attempts + 1;
        store::WriteTransaction tx(ctx.db);
        if (sent.ok) {
            store::mark_notification_sent(ctx.db, row.id, ctx.now);
            ++result.sent;
        } else {
            failed_channels().insert(row.channel);
            const bool give_up = attempts >= p.attempts;
            store::mark_notification_failed(ctx.db, row.id, sent.error, ctx.now + backoff_delay(p, attempts), give_up);
            ++(give_up ? result.failed : result.retrying);
            core::warn(fmt::format("notification {} to '{}' {}: {}", row.id, row.channel,
                                   give_up ? fmt::format("failed for good after {} attempts", attempts)
                                           : "failed, will retry",
                                   sent.error));
        }
        tx.commit();
    }
    return result;
}

void after_commit(const Context& ctx, const std::string& kind, const nlohmann::json& data) {
    emit(ctx.policy.notify, ctx.policy.site.name, kind, data, ctx.now);
    if (ctx.policy.notify.channels.empty()) {
        return;
    }
    try {
        flush(ctx, 20);
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
