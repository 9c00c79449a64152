#include "lib/context/audit.hpp"

#include <utility>

namespace opsctl::audit {

std::int64_t record(const Context& ctx, std::string entity, std::string entity_id, std::string action,
                    nlohmann::json fields) {
    store::Event e;
    e.at = ctx.now;
    e.actor = ctx.actor;
    e.entity = std::move(entity);
    e.entity_id = std::move(entity_id);
    e.action = std::move(action);
    e.fields = std::move(fields);
    // The account stays empty: store::record_event fills in the connection's.
    return store::record_event(ctx.db, e);
}

store::Event event(const Context& ctx, std::string entity, std::string action) {
    store::Event e;
    e.at = ctx.now;
    e.actor = ctx.actor;
    // Set here, not left to the store: the caller hashes the event before it is written.
    e.account = ctx.db.account();
    e.entity = std::move(entity);
    e.action = std::move(action);
    return e;
}

} // namespace opsctl::audit
