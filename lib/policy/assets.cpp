#include "lib/policy/parsers.hpp"

namespace opsctl::policy {

void parse_assets(Reader& r, const YAML::Node& node, Policy&) {
    if (!node.IsNull() && !node.IsMap()) {
        r.error(node, "section 'assets' must be a mapping");
    }
}

void finish_assets(Diagnostics&, Policy&) {}

} // namespace opsctl::policy
