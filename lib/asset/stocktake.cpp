#include "lib/asset/stocktake.hpp"

#include "lib/context/audit.hpp"
#include "lib/core/error.hpp"
#include "lib/policy/lookup.hpp"
#include "lib/core/time.hpp"
#include "lib/store/asset_repo.hpp"
#include "lib/util/text.hpp"
#include "lib/util/unicode.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <istream>
#include <map>
#include <set>

namespace opsctl::asset {

namespace {

bool has_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

std::string audit_id_text(std::int64_t id) { return std::to_string(id); }

} // namespace

std::vector<std::string> read_scanned_tags(std::istream& in, const std::string& source) {
    std::vector<std::string> tags;
    std::vector<std::string> problems;
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        std::string_view v = line;
        if (number == 1 && v.substr(0, 3) == "\xEF\xBB\xBF") {
            v.remove_prefix(3);
        }
        // A scanner ends lines with CR LF or CR alone; a space around the tag is no part of it.
        while (!v.empty() && v.back() == '\r') {
            v.remove_suffix(1);
        }
        v = util::trim(v);
        if (v.empty()) {
            continue;
        }
        std::string problem;
        if (!util::is_valid_utf8(v)) {
            problem = "is not UTF-8";
        } else if (has_control(v)) {
            problem = "holds a control character";
        } else if (v.size() > k_max_scanned_tag) {
            problem = fmt::format("is longer than {} bytes", k_max_scanned_tag);
        }
        if (!problem.empty()) {
            if (problems.size() < 5) {
                problems.push_back(fmt::format("{}:{}: the tag {}", source, number, problem));
            }
            continue;
        }
        tags.emplace_back(v);
    }
    if (in.bad()) {
        throw Failure(fmt::format("cannot read tags from {}", source));
    }
    if (!problems.empty()) {
        throw DataError(util::join(problems, "; "), "nothing was recorded; fix those lines and scan again");
    }
    return tags;
}

store::AuditRow start_audit(Context& ctx, const std::string& raw) {
    const std::string location(util::trim(raw));
    if (location.empty() || has_control(location) || !util::is_valid_utf8(location)) {
        throw UsageError("--location needs a place name without control characters");
    }
    if (!ctx.policy.assets.locations.empty()) {
        policy::require_name(ctx.policy, "locations", location);
    }
    store::WriteTransaction tx(ctx.db);
    if (const auto open = store::open_audit_at(ctx.db, location)) {
        throw DataError(fmt::format("stock-take {} at '{}' is still open (started {} by {})", open->id, location,
                                    core::format_time(open->started_at, ctx.zone()), open->started_by),
                        fmt::format("finish it first: opsctl asset audit finish {}", open->id));
    }
    const std::int64_t id = store::insert_audit(ctx.db, location, ctx.now, ctx.actor);
    audit::record(ctx, "asset_audit", audit_id_text(id), "started", {{"location", location}});
    tx.commit();
    return *store::find_audit(ctx.db, id);
}

store::AuditRow resolve_audit(Context& ctx, std::optional<std::int64_t> id, const std::string& location, bool open) {
    std::optional<store::AuditRow> a;
    if (id) {
        a = store::find_audit(ctx.db, *id);
        if (!a) {
            throw NotFound(fmt::format("no stock-take {}", *id), "opsctl asset audit list shows them");
        }
        if (!location.empty() && a->location != location) {
            throw UsageError(fmt::format("stock-take {} is at '{}', not '{}'", *id, a->location, location));
        }
    } else if (!location.empty()) {
        a = store::open_audit_at(ctx.db, location);
        if (!a) {
            throw NotFound(fmt::format("no open stock-take at '{}'", location),
                           fmt::format("start one: opsctl asset audit start --location '{}'", location));
        }
    } else {
        const auto all = store::select_audits(ctx.db, true, "", 0);
        if (all.empty()) {
            throw NotFound("no open stock-take", "start one: opsctl asset audit start --location PLACE");
        }
        if (all.size() > 1) {
            std::vector<std::string> names;
            for (auto o = all.rbegin(); o != all.rend(); ++o) {
                names.push_back(fmt::format("{} ({})", o->id, o->location));
            }
            throw UsageError(fmt::format("{} stock-takes are open: {}", all.size(), util::join(names, ", ")),
                             "name one by its number or by --location");
        }
        a = all.front();
    }
    if (open && a->status != "open") {
        throw DataError(fmt::format("stock-take {} at '{}' is finished already", a->id, a->location),
                        "start a new one: opsctl asset audit start --location PLACE");
    }
    return *a;
}

ScanResult scan_tags(Context& ctx, std::int64_t audit_id, const std::vector<std::string>& tags) {
    ScanResult r;
    store::WriteTransaction tx(ctx.db);
    r.audit = resolve_audit(ctx, audit_id, "", true);
    r.scans = static_cast<std::int64_t>(tags.size());
    if (tags.empty()) {
        return r;
    }
    const std::set<std::string> before = [&] {
        std::set<std::string> s;
        for (const auto& i : store::audit_items(ctx.db, audit_id, "")) {
            s.insert(i.tag);
        }
        return s;
    }();
    r.fresh = store::record_scans(ctx.db, audit_id, tags, ctx.now);
    std::set<std::string> noted;
    for (const auto& t : tags) {
        if (!before.count(t) && noted.insert(t).second && !store::asset_exists(ctx.db, t)) {
            r.unknown.push_back(t);
        }
    }
    audit::record(ctx, "asset_audit", audit_id_text(audit_id), "scanned",
                  {{"scans", r.scans}, {"new", r.fresh}, {"unknown", r.unknown.size()}});
    tx.commit();
    r.audit = *store::find_audit(ctx.db, audit_id);
    return r;
}

AuditReport finish_audit(Context& ctx, std::int64_t audit_id) {
    store::WriteTransaction tx(ctx.db);
    const auto a = resolve_audit(ctx, audit_id, "", true);
    const auto expected = store::expected_at(ctx.db, a.location);
    std::map<std::string, const store::ExpectedAsset*> by_tag;
    for (const auto& e : expected) {
        by_tag.emplace(e.tag, &e);
    }
    std::map<std::string, store::RegisteredAsset> registered;
    for (auto& r : store::registered_of_scans(ctx.db, audit_id)) {
        registered.emplace(r.tag, std::move(r));
    }
    std::int64_t found = 0, missing = 0, unexpected = 0;
    std::set<std::string> seen;
    for (const auto& item : store::audit_items(ctx.db, audit_id, "")) {
        seen.insert(item.tag);
        const auto reg = registered.find(item.tag);
        std::optional<std::string> where;
        if (reg != registered.end()) {
            where = reg->second.location;
        }
        if (by_tag.count(item.tag)) {
            store::classify_item(ctx.db, audit_id, item.tag, "found", where);
            ++found;
        } else {
            // Registered at another place, disposed of, or not in the register at all.
            store::classify_item(ctx.db, audit_id, item.tag, "unexpected", where);
            ++unexpected;
        }
    }
    for (const auto& e : expected) {
        if (seen.count(e.tag)) {
            continue;
        }
        // Lent to a person or another place: not here, and not lost either.
        const bool out_elsewhere = !e.holder.empty() && !(e.holder_kind == "location" && e.holder == a.location);
        store::insert_unseen(ctx.db, audit_id, e.tag, out_elsewhere ? "out" : "missing", e.location, e.holder);
        missing += out_elsewhere ? 0 : 1;
    }
    store::finish_audit(ctx.db, audit_id, ctx.now, ctx.actor, found, missing, unexpected);
    audit::record(ctx, "asset_audit", audit_id_text(audit_id), "finished",
                  {{"location", a.location}, {"found", found}, {"missing", missing}, {"unexpected", unexpected}});
    tx.commit();
    return audit_report(ctx, audit_id);
}

AuditReport audit_report(Context& ctx, std::int64_t audit_id) {
    AuditReport r;
    r.audit = resolve_audit(ctx, audit_id, "", false);
    r.items = store::audit_items(ctx.db, audit_id, "");
    return r;
}

std::vector<store::AuditRow> list_audits(Context& ctx, bool open_only, const std::string& location,
                                         std::int64_t limit) {
    return store::select_audits(ctx.db, open_only, location, limit);
}

} // namespace opsctl::asset
