#include "lib/page/page.hpp"

#include "lib/context/audit.hpp"
#include "lib/core/error.hpp"
#include "lib/roster/duty.hpp"
#include "lib/store/page_repo.hpp"

#include <fmt/format.h>

namespace opsctl::page {

namespace {

Page from_row(const store::PageRow& r) {
    Page p;
    p.id = r.id;
    p.kind = r.kind;
    p.subject = r.subject;
    p.title = r.title;
    p.status = r.status;
    p.step = r.step;
    p.person = r.person;
    p.opened_at = r.opened_at;
    if (r.status == "open") {
        p.next_at = r.next_at;
    }
    p.acked_at = r.acked_at;
    p.acked_by = r.acked_by;
    return p;
}

// The person a level pages at `at`: the one on duty when it names a rotation, else the person
// it names; empty when a rotation has nobody on duty then.
std::string person_of(const Context& ctx, const std::string& level, std::int64_t at) {
    if (ctx.policy.roster.rotation(level)) {
        const auto duties = roster::on_duty(ctx, at, level);
        return duties.empty() ? std::string() : duties.front().person;
    }
    return level;
}

} // namespace

namespace {

Advance advance_pages(const Context& ctx, bool first_only) {
    Advance out;
    const auto& g = ctx.policy.notify.paging;
    if (!g.enabled) {
        return out;
    }
    std::vector<std::string> levels{g.rotation};
    levels.insert(levels.end(), g.escalation.begin(), g.escalation.end());
    const int total = static_cast<int>(levels.size()) * g.rounds;
    const auto due = store::due_pages(ctx.db, ctx.now, first_only);
    // First steps only: past a level with nobody on duty, the same page again at the step it
    // was moved on to, so that someone is paged now rather than at the next flush.
    int again_at = 0;
    for (std::size_t i = 0; i < due.size(); ++i) {
        auto row = due[i];
        const int expected_step = again_at;
        again_at = 0;
        store::WriteTransaction tx(ctx.db);
        // Read again inside the transaction: another flush may have taken the step already.
        const auto now_row = store::find_page(ctx.db, row.id);
        if (!now_row || now_row->status != "open" || now_row->next_at > ctx.now ||
            (first_only && now_row->step != expected_step)) {
            continue;
        }
        row = *now_row;
        if (row.ticket_id) {
            if (auto acted = store::ticket_acted_on(ctx.db, *row.ticket_id, row.event_id.value_or(0))) {
                row.status = "acknowledged";
                row.acked_at = acted->second;
                row.acked_by = acted->first;
                store::save_page(ctx.db, row);
                audit::record(ctx, "page", std::to_string(row.id), "acknowledged",
                              {{"by", acted->first}, {"how", fmt::format("acted on ticket {}", *row.ticket_id)}});
                tx.commit();
                ++out.acknowledged;
                continue;
            }
        }
        if (row.step >= total) {
            row.status = "exhausted";
            store::save_page(ctx.db, row);
            audit::record(ctx, "page", std::to_string(row.id), "exhausted", {{"steps", row.step}});
            tx.commit();
            ++out.exhausted;
            continue;
        }
        const auto& level = levels[static_cast<std::size_t>(row.step) % levels.size()];
        const std::string person = person_of(ctx, level, ctx.now);
        ++row.step;
        row.person = person;
        row.next_at = ctx.now + g.after.approx_seconds();
        nlohmann::json fields = {{"step", row.step}, {"level", level}, {"person", person}};
        if (person.empty()) {
            // Nobody on duty in that rotation now: on to the next level at once.
            row.next_at = ctx.now;
            store::save_page(ctx.db, row);
            audit::record(ctx, "page", std::to_string(row.id), "skipped", fields);
            tx.commit();
            if (first_only) {
                again_at = row.step;
                --i;
            }
            continue;
        }
        store::save_page(ctx.db, row);
        audit::record(ctx, "page", std::to_string(row.id), "paged", fields);
        const auto* who = ctx.policy.person(person);
        notify::queue_to(ctx, g.channels, "page",
                         {{"id", row.id},
                          {"title", row.title},
                          {"subject", row.subject},
                          {"person", person},
                          {"person_name", who ? who->name : person},
                          {"phone", who ? who->phone : std::string()},
                          {"level", level},
                          {"step", row.step},
                          {"of", total}});
        tx.commit();
        ++out.paged;
    }
    return out;
}

} // namespace

Advance advance(const Context& ctx) { return advance_pages(ctx, false); }

int first_steps(const Context& ctx) {
    // Without the roster a rotation's name would be taken for a person's.
    constexpr unsigned k_needed = policy::section::k_roster | policy::section::k_people;
    if ((ctx.policy.loaded & k_needed) != k_needed) {
        return 0;
    }
    return advance_pages(ctx, true).paged;
}

Flush flush(const Context& ctx, int limit) {
    Flush f;
    f.pages = advance(ctx);
    f.sent = notify::flush(ctx, limit);
    return f;
}

Page ack(const Context& ctx, std::int64_t id) {
    return store::write_transaction(ctx.db, [&] {
        auto row = store::find_page(ctx.db, id);
        if (!row) {
            throw NotFound(fmt::format("no page {}", id), "see opsctl page list");
        }
        if (row->status != "open") {
            throw DataError(fmt::format("page {} is already {}", id, row->status));
        }
        row->status = "acknowledged";
        row->acked_at = ctx.now;
        row->acked_by = ctx.actor;
        store::save_page(ctx.db, *row);
        audit::record(ctx, "page", std::to_string(id), "acknowledged", {{"by", ctx.actor}, {"step", row->step}});
        return from_row(*row);
    });
}

std::vector<Page> list(const Context& ctx, bool all, int limit) {
    std::vector<Page> out;
    for (const auto& r : store::list_pages(ctx.db, !all, limit)) {
        out.push_back(from_row(r));
    }
    return out;
}

} // namespace opsctl::page
