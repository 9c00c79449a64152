#include "lib/core/error.hpp"
#include "lib/policy/parsers.hpp"

#include <fmt/format.h>

namespace opsctl::policy {

void parse_site(Reader& r, const Node& node, Policy& p) {
    if (!r.map(node, "section 'site'", {"name", "timezone", "database", "database_group", "database_group_writes"})) {
        return;
    }
    p.site.origin = r.origin(node);
    if (auto name = r.string(node, "name")) {
        p.site.name = *name;
    }
    if (auto tz = r.string(node, "timezone")) {
        if (core::Zone::exists(*tz)) {
            p.site.timezone = *tz;
            p.site.zone = core::Zone(*tz);
        } else {
            r.error(node["timezone"], fmt::format("unknown time zone '{}' (use an IANA name such as Asia/Shanghai)", *tz));
        }
    }
    if (auto db = r.string(node, "database")) {
        p.site.database = *db;
    }
    if (auto group = r.string(node, "database_group")) {
        p.site.database_group = *group;
    }
    if (auto writes = r.boolean(node, "database_group_writes")) {
        p.site.database_group_writes = *writes;
        if (*writes && p.site.database_group.empty()) {
            r.error(node["database_group_writes"], "'database_group_writes' needs 'database_group' (the group that may write)");
        }
    }
}

void finish_site(Diagnostics&, Policy&) {}

} // namespace opsctl::policy
