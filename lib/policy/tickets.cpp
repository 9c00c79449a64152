#include "lib/policy/parsers.hpp"

namespace opsctl::policy {

void parse_tickets(Reader& r, const YAML::Node& node, Policy&) {
    if (!node.IsNull() && !node.IsMap()) {
        r.error(node, "section 'tickets' must be a mapping");
    }
}

void finish_tickets(Diagnostics&, Policy&) {}

} // namespace opsctl::policy
