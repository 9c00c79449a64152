#include "lib/roster/override.hpp"

#include "lib/core/error.hpp"
#include "lib/policy/lookup.hpp"
#include "lib/core/time.hpp"
#include "lib/notify/notify.hpp"
#include "lib/notify/outbox.hpp"
#include "lib/context/audit.hpp"
#include "lib/roster/duty.hpp"
#include "lib/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace opsctl::roster {

namespace {

nlohmann::json to_json(const Override& o) {
    nlohmann::json j{{"id", o.id},          {"rotation", o.rotation}, {"person", o.person},
                     {"from", o.starts_at}, {"to", o.ends_at},        {"note", o.note}};
    j["replaces"] = o.replaces ? nlohmann::json(*o.replaces) : nlohmann::json();
    return j;
}

} // namespace

void require_person(const Context& ctx, const std::string& id) {
    policy::require_name(ctx.policy, "people", id);
}

Override add_override(const Context& ctx, const OverrideRequest& request) {
    require_rotation(ctx, request.rotation);
    require_person(ctx, request.person);
    if (!ctx.policy.person(request.person)->active) {
        throw DataError(fmt::format("person '{}' is no longer active", request.person));
    }
    if (request.replaces) {
        require_person(ctx, *request.replaces);
    }
    if (request.to <= request.from) {
        throw UsageError("override ends before it begins", "--to must be later than --from");
    }
    if (request.to - request.from > store::k_max_override_seconds) {
        throw UsageError("override is longer than 92 days",
                         "change the rotation in the policy instead");
    }
    // An override that touches no shift is almost always a typo in the dates or the rotation.
    const auto duties = schedule(ctx, request.from, request.to, request.rotation);
    const bool touches = std::any_of(duties.begin(), duties.end(), [&](const Duty& d) {
        return !request.replaces || d.scheduled == *request.replaces;
    });
    if (!touches) {
        const auto& zone = ctx.zone();
        throw DataError(
            fmt::format("rotation '{}' has no shift{} between {} and {}", request.rotation,
                        request.replaces ? fmt::format(" of '{}'", *request.replaces) : "",
                        core::format_time_short(request.from, zone),
                        core::format_time_short(request.to, zone)),
            "see opsctl roster show --rotation " + request.rotation);
    }
    const bool changes = std::any_of(duties.begin(), duties.end(), [&](const Duty& d) {
        return (!request.replaces || d.scheduled == *request.replaces) &&
               d.person != request.person;
    });
    if (!changes) {
        throw DataError(
            fmt::format("'{}' is already on duty for '{}' then", request.person, request.rotation));
    }
    Override o;
    o.rotation = request.rotation;
    o.person = request.person;
    o.replaces = request.replaces;
    o.starts_at = request.from;
    o.ends_at = request.to;
    o.note = request.note;
    o.created_at = ctx.now;
    o.created_by = ctx.actor;
    store::write_transaction(ctx.db, [&] {
        o.id = store::insert_override(ctx.db, o);
        audit::record(ctx, "roster_override", std::to_string(o.id), "created", to_json(o));
        notify::queue(ctx, "roster.override", to_json(o));
    });
    notify::after_commit(ctx, "roster.override", to_json(o));
    return o;
}

std::vector<Override> list_overrides(const Context& ctx, std::int64_t from, std::int64_t to,
                                     const std::string& rotation) {
    if (!rotation.empty()) {
        require_rotation(ctx, rotation);
    }
    return store::overrides_between(ctx.db, from, to, rotation);
}

Override remove_override(const Context& ctx, std::int64_t id) {
    return store::write_transaction(ctx.db, [&] {
        auto o = store::find_override(ctx.db, id);
        if (!o) {
            throw NotFound(fmt::format("no override {}", id), "see opsctl roster override list");
        }
        store::delete_override(ctx.db, id);
        audit::record(ctx, "roster_override", std::to_string(id), "removed", to_json(*o));
        return *o;
    });
}

} // namespace opsctl::roster
