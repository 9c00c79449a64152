#pragma once
// Internal to lib/roster: the audit event of a roster change.

#include "lib/context/context.hpp"
#include "lib/store/events.hpp"

#include <string>

namespace opsctl::roster {

/// Records an event by the acting user at ctx.now (inside the caller's WriteTransaction).
inline void record_roster_event(const Context& ctx, const std::string& entity, std::int64_t id,
                                const std::string& action, nlohmann::json fields) {
    store::Event e;
    e.at = ctx.now;
    e.actor = ctx.actor;
    e.entity = entity;
    e.entity_id = std::to_string(id);
    e.action = action;
    e.fields = std::move(fields);
    store::record_event(ctx.db, e);
}

} // namespace opsctl::roster
