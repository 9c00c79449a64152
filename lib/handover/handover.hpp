#pragma once
// Shift handovers: who hands over to whom, a note, and a snapshot of what was open. A layer
// above the domains it reads (roster, ticket, inspect, backup), beside lib/report/.

#include "lib/context/context.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::handover {

/// What `roster handover` asks for.
struct HandoverRequest {
    std::optional<std::string> to; // default: who of the team is on duty when the actor's duty
                                   // ends, else the rotation's next other person
    std::string rotation;          // default: the rotation the actor is on duty for
    std::string note;
};

/// A recorded handover. `snapshot` holds the lists "tickets" (open P1/P2), "slas" (breached or
/// at risk), "inspections" (items whose latest result is WARNING or CRITICAL) and "backups"
/// (jobs with no good backup or past max_age); handovers recorded by older builds may also
/// hold "unavailable" (the lists that build could not collect).
struct Handover {
    std::int64_t id = 0;
    std::int64_t at = 0;
    std::optional<std::string> rotation;
    std::string from;
    std::optional<std::string> to;
    std::string note;
    nlohmann::json snapshot = nlohmann::json::object();
    std::int64_t open_tickets = 0;
    std::int64_t at_risk_slas = 0;
    std::int64_t failed_inspections = 0;
    std::int64_t stale_backups = 0;
};

/// What is open at ctx.now that the next shift must know about (the snapshot described above).
nlohmann::json handover_snapshot(const Context& ctx);

/// Records a handover from the acting user at ctx.now, with the snapshot of that moment.
/// Throws DataError for an unknown actor, person or rotation.
Handover record_handover(const Context& ctx, const HandoverRequest& request);

/// The snapshot as commands show it: the same lists, with every time ("at", "due_at",
/// "last_success_at", stored as Unix seconds) as ISO 8601 with the zone's offset.
nlohmann::json snapshot_for_output(const nlohmann::json& snapshot, const core::Zone& zone);

/// Handovers with from <= at < to, oldest first.
std::vector<Handover> handovers(const Context& ctx, std::int64_t from, std::int64_t to);

} // namespace opsctl::handover
