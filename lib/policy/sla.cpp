#include "lib/policy/parsers.hpp"

namespace opsctl::policy {

void parse_sla(Reader& r, const YAML::Node& node, Policy&) {
    if (!node.IsNull() && !node.IsMap()) {
        r.error(node, "section 'sla' must be a mapping");
    }
}

void finish_sla(Diagnostics&, Policy&) {}

} // namespace opsctl::policy
