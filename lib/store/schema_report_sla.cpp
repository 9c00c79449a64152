#include "lib/store/migrations.hpp"

namespace opsctl::store {

// Indexes for the review's SLA figures (lib/store/report_tickets.cpp), which decide every
// breach from the stored deadlines instead of the *_breached flags:
//
// tickets_response_due    the tickets whose response deadline fell in a month (attainment
//                         and the breached list): a range instead of a scan of every ticket.
// tickets_resolution_due  the same for the resolution deadline.
// inspect_results_recorded  the manual answers recorded after an instant: the items still
//                         pending at a past month's end (report_inspect.cpp).
const char* schema_report_sla() {
    return R"sql(
CREATE INDEX tickets_response_due ON tickets(response_due_at);
CREATE INDEX tickets_resolution_due ON tickets(resolution_due_at);
CREATE INDEX inspect_results_recorded ON inspect_results(recorded_at) WHERE recorded_at IS NOT NULL;
)sql";
}

} // namespace opsctl::store
