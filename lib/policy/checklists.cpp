#include "lib/policy/parsers.hpp"

namespace opsctl::policy {

void parse_checklists(Reader& r, const YAML::Node& node, Policy&) {
    if (!node.IsNull() && !node.IsMap()) {
        r.error(node, "section 'checklists' must be a mapping");
    }
}

void finish_checklists(Diagnostics&, Policy&) {}

} // namespace opsctl::policy
