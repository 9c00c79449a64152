#include "lib/policy/parsers.hpp"

namespace opsctl::policy {

void parse_report(Reader& r, const YAML::Node& node, Policy&) {
    if (!node.IsNull() && !node.IsMap()) {
        r.error(node, "section 'report' must be a mapping");
    }
}

void finish_report(Diagnostics&, Policy&) {}

} // namespace opsctl::policy
