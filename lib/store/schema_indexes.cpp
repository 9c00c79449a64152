#include "lib/store/migrations.hpp"

namespace opsctl::store {

// Indexes found missing by the benchmarks (bench/run) at 1,000,000 tickets:
//
// tickets_list_order  `ticket list --all` and `--closed` order open tickets first, then by
//                     SLA due time; without an index that sorted every ticket for a page of
//                     50. The DESC column lets one index serve that order and the default
//                     open-only listing, so it replaces tickets_open_order.
// tickets_updated     `ticket list --sort updated` (newest first), which also sorted them all.
const char* schema_indexes() {
    return R"sql(
CREATE INDEX tickets_list_order ON tickets(is_open DESC, sla_order, id);
DROP INDEX tickets_open_order;
CREATE INDEX tickets_updated ON tickets(updated_at);
)sql";
}

} // namespace opsctl::store
