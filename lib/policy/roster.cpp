#include "lib/policy/parsers.hpp"

namespace opsctl::policy {

void parse_roster(Reader& r, const YAML::Node& node, Policy&) {
    if (!node.IsNull() && !node.IsMap()) {
        r.error(node, "section 'roster' must be a mapping");
    }
}

void finish_roster(Diagnostics&, Policy&) {}

} // namespace opsctl::policy
