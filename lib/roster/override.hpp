#pragma once
// Overrides: someone covers a stretch of a rotation, or two people swap.

#include "lib/context/context.hpp"
#include "lib/store/roster_repo.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::roster {

/// A recorded override (cover or swap).
using Override = store::OverrideRow;

/// What `roster override add` asks for.
struct OverrideRequest {
    std::string rotation;
    std::string person;
    std::optional<std::string> replaces; // only replace this person; anyone scheduled when absent
    std::int64_t from = 0;
    std::int64_t to = 0;
    std::string note;
};

/// Records an override (with its event) and returns it. Throws NotFound for an unknown
/// rotation or person, UsageError for an empty or over-long span, DataError when the span
/// covers no shift of the rotation (or none of `replaces`).
Override add_override(const Context& ctx, const OverrideRequest& request);
/// Overrides overlapping [from, to), of one rotation or all, oldest first.
std::vector<Override> list_overrides(const Context& ctx, std::int64_t from, std::int64_t to,
                                     const std::string& rotation = {});
/// Removes an override (with its event) and returns what it was; throws NotFound.
Override remove_override(const Context& ctx, std::int64_t id);

/// Throws NotFound naming the nearest known person when `id` is not in the policy.
void require_person(const Context& ctx, const std::string& id);

} // namespace opsctl::roster
