#include "lib/policy/parsers.hpp"

#include <fmt/format.h>

namespace opsctl::policy {

void parse_report(Reader& r, const Node& node, Policy& p) {
    if (node.is_null()) {
        return;
    }
    if (!r.map(node, "section 'report'",
               {"language", "top_assets", "list_limit", "incident_types", "problem_types", "change_types",
                "complaint_types"})) {
        return;
    }
    auto& rp = p.report;
    // The section holds single settings, so a second file defining it would silently
    // override the first: report that, naming the first place.
    if (rp.defined) {
        r.error(node, fmt::format("section 'report' is defined twice (first at {})", rp.origin.str()));
        return;
    }
    rp.defined = true;
    rp.origin = r.origin(node);
    if (auto v = r.one_of(node, "language", {"en", "zh"})) {
        rp.language = *v;
    }
    if (auto v = r.integer(node, "top_assets", false, 1, 1000)) {
        rp.top_assets = static_cast<std::size_t>(*v);
    }
    if (auto v = r.integer(node, "list_limit", false, 1, 100000)) {
        rp.list_limit = static_cast<std::size_t>(*v);
    }
    if (auto v = r.strings(node, "incident_types")) {
        rp.incident_types = *v;
    }
    if (auto v = r.strings(node, "problem_types")) {
        rp.problem_types = *v;
    }
    if (auto v = r.strings(node, "change_types")) {
        rp.change_types = *v;
    }
    if (auto v = r.strings(node, "complaint_types")) {
        rp.complaint_types = *v;
    }
}

// Type names are not checked against the tickets section here: a command that loads only
// `report` must not depend on `tickets`, and an unknown type simply counts nothing.
void finish_report(Diagnostics&, Policy&) {}

} // namespace opsctl::policy
