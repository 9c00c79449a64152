#pragma once
// Asset custody: an asset checked out to a person or a place, with an expected return date,
// and checked in again; the history of who had it. Each step is an event of the asset.

#include "lib/context/context.hpp"
#include "lib/core/date.hpp"
#include "lib/store/custody_repo.hpp"

#include <optional>
#include <string>
#include <vector>

namespace opsctl::asset {

/// What `asset checkout` records: exactly one of person and location.
struct CheckoutInput {
    std::string tag;
    std::string person;   // a person of the policy (id or unique name)
    std::string location; // or a place
    std::optional<core::Date> due; // the expected return day (local); none: open-ended
    std::string note;
};

/// Checks the asset out; DataError when it is out already, retired or disposed, or the
/// return day is already past. Returns the check-out.
store::CustodyRow checkout(Context& ctx, const CheckoutInput& input);
/// Checks the asset in; DataError when it is not out. Returns the closed check-out.
store::CustodyRow checkin(Context& ctx, const std::string& tag, const std::string& note);
// The history of check-outs comes with `asset show` (AssetDetail::custody, inventory.hpp).

} // namespace opsctl::asset
