#include "lib/policy/parsers.hpp"

namespace opsctl::policy {

void parse_backups(Reader& r, const YAML::Node& node, Policy&) {
    if (!node.IsNull() && !node.IsMap()) {
        r.error(node, "section 'backups' must be a mapping");
    }
}

void finish_backups(Diagnostics&, Policy&) {}

} // namespace opsctl::policy
