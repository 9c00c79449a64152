#include "lib/asset/custody.hpp"

#include "lib/asset/inventory.hpp"
#include "lib/context/audit.hpp"
#include "lib/core/error.hpp"
#include "lib/core/time.hpp"
#include "lib/policy/lookup.hpp"
#include "lib/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace opsctl::asset {

store::CustodyRow checkout(Context& ctx, const CheckoutInput& in) {
    if (in.person.empty() == in.location.empty()) {
        throw UsageError("a check-out goes to one person or one place", "give --to PERSON or --location PLACE");
    }
    store::CustodyRow row;
    row.tag = in.tag;
    if (!in.person.empty()) {
        std::string problem;
        const auto id = policy::person_id_by_name(ctx.policy, in.person, problem);
        if (!id) {
            throw DataError(problem);
        }
        if (!ctx.policy.person(*id)->active) {
            throw DataError(fmt::format("person '{}' is no longer active", *id));
        }
        row.holder = *id;
        row.holder_kind = "person";
    } else {
        row.holder = std::string(util::trim(in.location));
        const bool control = std::any_of(row.holder.begin(), row.holder.end(), [](char c) {
            return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
        });
        if (row.holder.empty() || control) {
            throw UsageError("--location needs a place name without control characters");
        }
        row.holder_kind = "location";
    }
    if (in.due) {
        // Returned on the day given: due at the midnight after it.
        row.due_at = *core::parse_time(core::format_date(core::add_days(*in.due, 1)), ctx.zone());
        if (*row.due_at <= ctx.now) {
            throw UsageError(fmt::format("return day {} is already past", core::format_date(*in.due)),
                             "give today or a later day");
        }
    }
    row.note = std::string(util::trim(in.note));
    row.out_at = ctx.now;
    row.out_by = ctx.actor;
    return store::write_transaction(ctx.db, [&] {
        const Asset a = get_asset(ctx, in.tag);
        if (a.status == "retired" || a.status == "disposed") {
            throw DataError(fmt::format("asset '{}' is {}", in.tag, a.status));
        }
        if (const auto out = store::open_checkout(ctx.db, in.tag)) {
            throw DataError(fmt::format("asset '{}' is checked out to {} already", in.tag, out->holder),
                            fmt::format("check it in first: opsctl asset checkin {}", in.tag));
        }
        row.id = store::insert_checkout(ctx.db, row);
        nlohmann::json fields = {{row.holder_kind, row.holder}};
        if (row.due_at) {
            fields["due_at"] = *row.due_at;
        }
        if (!row.note.empty()) {
            fields["note"] = row.note;
        }
        audit::record(ctx, "asset", in.tag, "checked-out", std::move(fields));
        return row;
    });
}

store::CustodyRow checkin(Context& ctx, const std::string& tag, const std::string& note) {
    return store::write_transaction(ctx.db, [&] {
        get_asset(ctx, tag);
        auto out = store::open_checkout(ctx.db, tag);
        if (!out) {
            throw DataError(fmt::format("asset '{}' is not checked out", tag));
        }
        out->in_at = ctx.now;
        out->in_by = ctx.actor;
        out->in_note = std::string(util::trim(note));
        store::close_checkout(ctx.db, out->id, ctx.now, ctx.actor, out->in_note);
        nlohmann::json fields = {{out->holder_kind, out->holder}};
        if (out->due_at && *out->due_at < ctx.now) {
            fields["late_secs"] = ctx.now - *out->due_at;
        }
        if (!out->in_note.empty()) {
            fields["note"] = out->in_note;
        }
        audit::record(ctx, "asset", tag, "checked-in", std::move(fields));
        return *out;
    });
}

} // namespace opsctl::asset
