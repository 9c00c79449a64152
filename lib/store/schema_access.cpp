#include "lib/store/migrations.hpp"

namespace opsctl::store {

const char* schema_access() {
    // Self-contained, so that it can be renumbered when another branch adds a migration first.
    return R"sql(
-- The OS account that ran opsctl when the policy binds people to logins (empty before, and
-- with an open policy); `actor` stays the person acted for. Hashed into the chain when set.
ALTER TABLE events ADD COLUMN account TEXT NOT NULL DEFAULT '';
)sql";
}

} // namespace opsctl::store
