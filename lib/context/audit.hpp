#pragma once
// The one way a domain records a change: an event by the acting person at the command's
// time. lib/store owns the hash chain; this fills in who and when from the Context.

#include "lib/context/context.hpp"
#include "lib/store/events.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace opsctl::audit {

/// Appends the event of one change to one record, by ctx.actor at ctx.now (inside the
/// caller's WriteTransaction); returns its id.
std::int64_t record(const Context& ctx, std::string entity, std::string entity_id, std::string action,
                    nlohmann::json fields);

/// An event by ctx.actor at ctx.now with the connection's account, for bulk writers that hash
/// their events ahead of the write (store::record_hashed_event); entity_id is theirs to set.
store::Event event(const Context& ctx, std::string entity, std::string action = {});

} // namespace opsctl::audit
