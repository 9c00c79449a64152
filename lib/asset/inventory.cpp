#include "lib/asset/inventory.hpp"

#include "lib/asset/maintenance.hpp"
#include "lib/context/audit.hpp"
#include "lib/core/date.hpp"
#include "lib/core/error.hpp"
#include "lib/notify/notify.hpp"
#include "lib/notify/outbox.hpp"
#include "lib/policy/lookup.hpp"
#include "lib/util/host.hpp"
#include "lib/util/money.hpp"
#include "lib/util/text.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <charconv>
#include <fmt/format.h>

namespace opsctl::asset {

namespace {

int rank(const std::string& status) {
    if (status == "in_stock") {
        return 0;
    }
    if (status == "in_use" || status == "maintenance") {
        return 1;
    }
    if (status == "retired") {
        return 2;
    }
    if (status == "disposed") {
        return 3;
    }
    return -1;
}

// A value quoted in a message: cut to 64 bytes (at a character boundary) so that a 1 MiB
// value makes a one-line message.
std::string shown(const std::string& value) {
    if (value.size() <= 64) {
        return value;
    }
    std::size_t end = 64;
    while (end > 0 && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) {
        --end;
    }
    return value.substr(0, end) + "…";
}

bool valid_tag(const std::string& tag) {
    if (tag.empty() || tag.size() > 64) {
        return false;
    }
    return std::none_of(tag.begin(), tag.end(), [](unsigned char c) {
        return c <= 0x20 || c == 0x7f || c == ',' || c == '"' || c == '\'' || c == '=';
    });
}

// SRV-0042 under prefix SRV gives 42, so that generated tags continue above hand-typed ones.
std::optional<std::int64_t> tag_number(const std::string& tag, const std::string& prefix) {
    if (tag.size() <= prefix.size() + 1 || tag.compare(0, prefix.size(), prefix) != 0 || tag[prefix.size()] != '-') {
        return std::nullopt;
    }
    std::int64_t n = 0;
    const char* first = tag.data() + prefix.size() + 1;
    const char* last = tag.data() + tag.size();
    auto [p, ec] = std::from_chars(first, last, n);
    if (ec != std::errc{} || p != last || n < 0) {
        return std::nullopt;
    }
    return n;
}

nlohmann::json changes_json(const std::vector<FieldChange>& changes) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& c : changes) {
        out[c.field] = nlohmann::json::array(
            {c.before.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.before),
             c.after.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.after)});
    }
    return out;
}

const policy::AssetClass& class_or_throw(const Context& ctx, const std::string& cls) {
    const auto* c = ctx.policy.assets.find_class(cls);
    if (!c) {
        policy::require_one_of("asset class", cls, ctx.policy.assets.class_ids());
    }
    return *c;
}

[[noreturn]] void throw_problems(const std::string& what, const std::vector<std::string>& problems) {
    DataError e(problems.size() == 1 ? fmt::format("{}: {}", what, problems.front())
                                     : fmt::format("{}: {} problems", what, problems.size()));
    if (problems.size() > 1) {
        e.with_details(problems);
    }
    throw e;
}

void apply_custom(const policy::AssetClass& cls, Asset& a, const AssetInput& input,
                  std::vector<std::string>& problems) {
    std::vector<std::string> keys;
    for (const auto& f : cls.fields) {
        keys.push_back(f.key);
    }
    auto known = [&](const std::string& key) {
        if (cls.field(key)) {
            return true;
        }
        problems.push_back(fmt::format("unknown field '{}' for class '{}' ({})", key, cls.id,
                                       keys.empty() ? std::string("it has no custom fields")
                                                    : util::suggest(key, keys)));
        return false;
    };
    for (const auto& kv : input.set) {
        const auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) {
            problems.push_back(fmt::format("'{}' is not key=value", kv));
            continue;
        }
        const std::string key = kv.substr(0, eq);
        if (known(key)) {
            a.fields[key] = kv.substr(eq + 1);
            if (a.fields[key].empty()) {
                a.fields.erase(key);
            }
        }
    }
    for (const auto& key : input.unset) {
        if (known(key)) {
            a.fields.erase(key);
        }
    }
}

void apply_input(Asset& a, const AssetInput& in) {
    auto put = [](std::string& target, const std::optional<std::string>& v) {
        if (v) {
            target = std::string(util::trim(*v));
        }
    };
    put(a.name, in.name);
    put(a.model, in.model);
    put(a.serial, in.serial);
    put(a.owner, in.owner);
    put(a.location, in.location);
    put(a.address, in.address);
    put(a.purchased, in.purchased);
    put(a.warranty_until, in.warranty_until);
    put(a.parent, in.parent);
}

void check_parent(Context& ctx, const Asset& a, std::vector<std::string>& problems) {
    if (a.parent.empty()) {
        return;
    }
    if (a.parent == a.tag) {
        problems.push_back(fmt::format("asset '{}' cannot be its own parent", a.tag));
    } else if (!store::asset_exists(ctx.db, a.parent)) {
        problems.push_back(fmt::format("no parent asset '{}'", a.parent));
    }
}

} // namespace

const std::vector<std::string>& statuses() {
    static const std::vector<std::string> k_statuses = {"in_stock", "in_use", "maintenance", "retired", "disposed"};
    return k_statuses;
}

bool can_move(const std::string& from, const std::string& to) {
    if (from == to) {
        return true;
    }
    const int a = rank(from);
    const int b = rank(to);
    if (a < 0 || b < 0) {
        return false;
    }
    return b > a || (a == 1 && b == 1);
}

const std::vector<std::string>& builtin_columns() {
    static const std::vector<std::string> k_columns = {"tag",      "class",   "name",      "model",
                                                       "serial",   "owner",   "location",  "address",
                                                       "status",   "purchased", "warranty_until", "parent"};
    return k_columns;
}

namespace {

// The built-in columns in export order, as members; one table for reading, setting and diffing.
using Member = std::string Asset::*;
constexpr std::array<std::pair<std::string_view, Member>, 12> k_members = {{
    {"tag", &Asset::tag},
    {"class", &Asset::cls},
    {"name", &Asset::name},
    {"model", &Asset::model},
    {"serial", &Asset::serial},
    {"owner", &Asset::owner},
    {"location", &Asset::location},
    {"address", &Asset::address},
    {"status", &Asset::status},
    {"purchased", &Asset::purchased},
    {"warranty_until", &Asset::warranty_until},
    {"parent", &Asset::parent},
}};

Member member_of(std::string_view key) {
    for (const auto& [name, member] : k_members) {
        if (name == key) {
            return member;
        }
    }
    return nullptr;
}

} // namespace

std::string value_of(const Asset& a, const std::string& key) {
    if (const Member m = member_of(key)) {
        return a.*m;
    }
    auto it = a.fields.find(key);
    return it == a.fields.end() ? std::string{} : it->second;
}

AssetColumn resolve_column(const std::string& key) { return AssetColumn{member_of(key), key}; }

void set_value(Asset& a, const AssetColumn& column, const std::string& value) {
    if (column.member) {
        a.*column.member = value;
    } else if (value.empty()) {
        a.fields.erase(column.key);
    } else {
        a.fields[column.key] = value;
    }
}

void set_value(Asset& a, const std::string& key, const std::string& value) {
    set_value(a, resolve_column(key), value);
}

std::optional<std::string> check_field_value(const policy::AssetField& field, const std::string& raw,
                                             std::string& problem) {
    const std::string value(util::trim(raw));
    switch (field.type) {
    case policy::FieldType::string:
        return value;
    case policy::FieldType::integer: {
        std::int64_t n = 0;
        auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (value.empty() || ec != std::errc{} || p != value.data() + value.size()) {
            problem = fmt::format("field '{}' must be a whole number, not '{}'", field.key, raw);
            return std::nullopt;
        }
        return std::to_string(n);
    }
    case policy::FieldType::date: {
        auto d = core::parse_date(value);
        if (!d) {
            problem = fmt::format("field '{}' must be a date YYYY-MM-DD, not '{}'", field.key, raw);
            return std::nullopt;
        }
        return core::format_date(*d);
    }
    case policy::FieldType::boolean: {
        const std::string v = util::to_lower(value);
        if (v == "true" || v == "yes" || v == "y" || v == "1" || v == "on" || v == "是") {
            return std::string("true");
        }
        if (v == "false" || v == "no" || v == "n" || v == "0" || v == "off" || v == "否") {
            return std::string("false");
        }
        problem = fmt::format("field '{}' must be true or false, not '{}'", field.key, raw);
        return std::nullopt;
    }
    case policy::FieldType::enumeration:
        if (std::find(field.values.begin(), field.values.end(), value) == field.values.end()) {
            problem = fmt::format("field '{}' must be one of {}, not '{}'", field.key, util::join(field.values, ", "),
                                  raw);
            return std::nullopt;
        }
        return value;
    case policy::FieldType::money: {
        // Kept as a decimal with two places, parsed to cents: never a binary floating point.
        auto cents = util::parse_cents(value);
        if (!cents) {
            problem = fmt::format("field '{}' must be an amount such as 12000.50 (at most two decimals), not '{}'",
                                  field.key, raw);
            return std::nullopt;
        }
        return util::format_cents(*cents);
    }
    }
    return value;
}

// Impossible dates (a purchase in year 1 or years ahead, a warranty in 9999) are typing
// mistakes: purchased lies between 1970-01-01 and a year from today (an order may be
// registered before it arrives), warranty_until between the purchase and 100 years from
// now. Run after both are normalised to YYYY-MM-DD.
static void check_asset_dates(const Context& ctx, const Asset& a, std::vector<std::string>& problems) {
    const core::Date today = ctx.zone().date_of(ctx.now);
    const core::Date epoch{1970, 1, 1};
    const auto purchased = a.purchased.empty() ? std::nullopt : core::parse_date(a.purchased);
    const core::Date bought = purchased.value_or(epoch);
    const core::Date latest_purchase = core::add_months(today, 12);
    if (purchased.has_value() && (bought < epoch || latest_purchase < bought)) {
        problems.push_back(fmt::format("purchased '{}' is not between 1970-01-01 and {}", a.purchased,
                                       core::format_date(latest_purchase)));
    }
    const auto warranty = a.warranty_until.empty() ? std::nullopt : core::parse_date(a.warranty_until);
    if (warranty.has_value()) {
        const core::Date until = warranty.value_or(epoch);
        const core::Date latest = core::add_months(today, 1200);
        if (until < bought || latest < until) {
            problems.push_back(fmt::format("warranty_until '{}' is not between {} and {}", a.warranty_until,
                                           purchased.has_value() ? "the purchase" : "1970-01-01",
                                           core::format_date(latest)));
        }
    }
}

std::vector<std::string> check_asset(const Context& ctx, Asset& a, bool new_owner) {
    std::vector<std::string> problems;
    const auto& policy = ctx.policy.assets;
    if (!valid_tag(a.tag)) {
        problems.push_back(fmt::format("tag '{}' must be 1-64 characters without spaces, commas, quotes or '='", a.tag));
    }
    const policy::AssetClass* cls = policy.find_class(a.cls);
    if (!cls) {
        problems.push_back(fmt::format("no asset class '{}' ({})", a.cls, util::suggest(a.cls, policy.class_ids())));
    }
    if (util::trim(a.name).empty()) {
        problems.push_back("the name is empty");
    }
    if (!a.owner.empty()) {
        const policy::Person* p = ctx.policy.person(a.owner);
        if (!p) {
            std::vector<std::string> ids;
            for (const auto& [id, person] : ctx.policy.people) {
                ids.push_back(id);
            }
            problems.push_back(fmt::format("owner '{}' is not a person in the policy ({})", a.owner,
                                           util::suggest(a.owner, ids)));
        } else if (new_owner && !p->active) {
            problems.push_back(fmt::format("owner '{}' is no longer active", a.owner));
        }
    }
    if (!a.location.empty() && !policy.locations.empty() &&
        std::find(policy.locations.begin(), policy.locations.end(), a.location) == policy.locations.end()) {
        problems.push_back(fmt::format("unknown location '{}' ({})", a.location, util::suggest(a.location, policy.locations)));
    }
    // The address is put into inspection commands and probes: only a host name or an IP
    // literal, checked where it comes in (add, update and import).
    if (!a.address.empty() && !util::is_host_address(a.address)) {
        problems.push_back(fmt::format("address '{}' must be a host name or an IP address", shown(a.address)));
    }
    if (rank(a.status) < 0) {
        problems.push_back(fmt::format("unknown status '{}' ({})", a.status, util::suggest(a.status, statuses())));
    }
    for (auto* date : {&a.purchased, &a.warranty_until}) {
        if (date->empty()) {
            continue;
        }
        if (auto d = core::parse_date(*date)) {
            *date = core::format_date(*d);
        } else {
            problems.push_back(fmt::format("{} '{}' is not a date YYYY-MM-DD",
                                           date == &a.purchased ? "purchased" : "warranty_until", *date));
        }
    }
    check_asset_dates(ctx, a, problems);
    if (cls) {
        for (auto it = a.fields.begin(); it != a.fields.end();) {
            const policy::AssetField* f = cls->field(it->first);
            if (!f) {
                problems.push_back(fmt::format("'{}' is not a field of class '{}'", it->first, cls->id));
                ++it;
                continue;
            }
            std::string problem;
            if (auto v = check_field_value(*f, it->second, problem)) {
                it->second = *v;
                if (v->empty()) {
                    it = a.fields.erase(it);
                    continue;
                }
            } else {
                problems.push_back(problem);
            }
            ++it;
        }
        for (const auto& f : cls->fields) {
            if (f.required && !a.fields.count(f.key)) {
                problems.push_back(fmt::format("required field '{}' of class '{}' is missing", f.key, cls->id));
            }
        }
    }
    return problems;
}

std::vector<FieldChange> diff_assets(const Asset& before, const Asset& after) {
    std::vector<FieldChange> out;
    for (const auto& [name, member] : k_members) {
        const std::string& a = before.*member;
        const std::string& b = after.*member;
        if (a != b) {
            out.push_back({std::string(name), a, b});
        }
    }
    if (before.retire_reason != after.retire_reason) {
        out.push_back({"retire_reason", before.retire_reason, after.retire_reason});
    }
    // Both field maps are sorted by key: one merge, custom fields in key order.
    auto b = before.fields.begin();
    auto a = after.fields.begin();
    while (b != before.fields.end() || a != after.fields.end()) {
        if (a == after.fields.end() || (b != before.fields.end() && b->first < a->first)) {
            out.push_back({b->first, b->second, {}});
            ++b;
        } else if (b == before.fields.end() || a->first < b->first) {
            out.push_back({a->first, {}, a->second});
            ++a;
        } else {
            if (b->second != a->second) {
                out.push_back({a->first, b->second, a->second});
            }
            ++a;
            ++b;
        }
    }
    return out;
}

Asset get_asset(Context& ctx, const std::string& tag) {
    auto row = store::find_asset_row(ctx.db, tag);
    if (!row) {
        throw NotFound(fmt::format("no asset '{}'", tag));
    }
    return *row;
}

AssetDetail asset_detail(Context& ctx, const std::string& tag, std::int64_t history) {
    AssetDetail d;
    d.asset = get_asset(ctx, tag);
    store::MaintenanceFilter filter;
    filter.tag = d.asset.tag;
    filter.limit = history;
    d.maintenance = list_maintenance(ctx, filter);
    d.children = store::child_tags(ctx.db, d.asset.tag);
    d.last_audit = store::last_audit_of(ctx.db, d.asset.tag);
    d.custody = store::custody_history(ctx.db, d.asset.tag, static_cast<int>(history));
    return d;
}

Asset add_asset(Context& ctx, const std::string& cls_id, const std::string& tag, const AssetInput& input) {
    const auto& cls = class_or_throw(ctx, cls_id);
    Asset a;
    a.cls = cls.id;
    apply_input(a, input);
    std::vector<std::string> problems;
    apply_custom(cls, a, input, problems);
    a.status = input.status.value_or(a.owner.empty() ? "in_stock" : "in_use");
    if (a.status == "retired" || a.status == "disposed") {
        problems.push_back(fmt::format("a new asset cannot start as '{}'", a.status));
    }
    a.created_at = a.updated_at = ctx.now;

    const std::vector<std::string> problems_before = problems;
    return store::write_transaction(ctx.db, [&] {
        problems = problems_before;
        store::AssetWriter writer(ctx.db);
        if (tag.empty()) {
            if (cls.prefix.empty()) {
                throw UsageError(fmt::format("asset class '{}' has no tag prefix", cls.id), "give the tag with --tag");
            }
            const std::int64_t n = writer.next_number(cls.prefix, cls.digits);
            a.tag = fmt::format("{}-{:0{}}", cls.prefix, n, cls.digits);
        } else {
            a.tag = tag;
            if (store::asset_exists(ctx.db, tag)) {
                problems.push_back(fmt::format("asset '{}' already exists", tag));
            }
        }
        check_parent(ctx, a, problems);
        auto more = check_asset(ctx, a, true);
        problems.insert(problems.end(), more.begin(), more.end());
        if (!problems.empty()) {
            throw_problems(fmt::format("cannot add asset '{}'", a.tag), problems);
        }
        if (auto n = tag_number(a.tag, cls.prefix)) {
            writer.note_number(cls.prefix, *n);
        }
        writer.insert(a);
        audit::record(ctx, "asset", a.tag, "created", changes_json(diff_assets(Asset{}, a)));
        return a;
    });
}

std::vector<FieldChange> update_asset(Context& ctx, const std::string& tag, const AssetInput& input) {
    return store::write_transaction(ctx.db, [&] {
        const Asset before = get_asset(ctx, tag);
        Asset a = before;
        const auto& cls = class_or_throw(ctx, a.cls);
        apply_input(a, input);
        std::vector<std::string> problems;
        apply_custom(cls, a, input, problems);
        if (input.status && *input.status != a.status) {
            const std::string& to = *input.status;
            if (to == "retired" || to == "disposed") {
                throw UsageError(fmt::format("use 'opsctl asset {}' to make '{}' {}", to == "retired" ? "retire" : "dispose",
                                             tag, to));
            }
            if (rank(to) < 0) {
                throw UsageError(fmt::format("unknown status '{}' ({})", to, util::suggest(to, statuses())));
            }
            if (!can_move(a.status, to)) {
                throw DataError(fmt::format("cannot move asset '{}' from {} to {}", tag, a.status, to),
                                "the lifecycle only moves forward, except maintenance <-> in_use");
            }
            a.status = to;
        }
        if (a.status == "disposed") {
            throw DataError(fmt::format("asset '{}' is disposed and can no longer change", tag));
        }
        check_parent(ctx, a, problems);
        auto more = check_asset(ctx, a, a.owner != before.owner);
        problems.insert(problems.end(), more.begin(), more.end());
        if (!problems.empty()) {
            throw_problems(fmt::format("cannot update asset '{}'", tag), problems);
        }
        auto changes = diff_assets(before, a);
        if (changes.empty()) {
            return changes;
        }
        a.updated_at = ctx.now;
        store::AssetWriter writer(ctx.db);
        writer.update(a);
        audit::record(ctx, "asset", tag, "updated", changes_json(changes));
        return changes;
    });
}

Asset retire_asset(Context& ctx, const std::string& tag, const std::string& reason) {
    if (util::trim(reason).empty()) {
        throw UsageError("retiring an asset needs a reason", "give it with --reason TEXT");
    }
    const auto done = store::write_transaction(ctx.db, [&] {
        Asset a = get_asset(ctx, tag);
        if (a.status == "retired" || a.status == "disposed") {
            throw DataError(fmt::format("asset '{}' is already {}", tag, a.status));
        }
        const std::string from = a.status;
        a.status = "retired";
        a.retire_reason = std::string(util::trim(reason));
        a.retired_at = ctx.now;
        a.updated_at = ctx.now;
        store::AssetWriter(ctx.db).update(a);
        audit::record(ctx, "asset", tag, "retired", {{"status", {from, "retired"}}, {"reason", a.retire_reason}});
        nlohmann::json notice = {{"tag", tag}, {"class", a.cls}, {"name", a.name}, {"reason", a.retire_reason}};
        notify::queue(ctx, "asset.retired", notice);
        return std::pair<Asset, nlohmann::json>(a, notice);
    });
    notify::after_commit(ctx, "asset.retired", done.second);
    return done.first;
}

Asset dispose_asset(Context& ctx, const std::string& tag) {
    return store::write_transaction(ctx.db, [&] {
        Asset a = get_asset(ctx, tag);
        if (a.status == "disposed") {
            throw DataError(fmt::format("asset '{}' is already disposed", tag));
        }
        if (a.status != "retired") {
            throw DataError(fmt::format("asset '{}' is {}, not retired", tag, a.status),
                            fmt::format("retire it first: opsctl asset retire {} --reason TEXT", tag));
        }
        a.status = "disposed";
        a.disposed_at = ctx.now;
        a.updated_at = ctx.now;
        store::AssetWriter(ctx.db).update(a);
        audit::record(ctx, "asset", tag, "disposed", {{"status", {"retired", "disposed"}}});
        return a;
    });
}

std::vector<Transfer> transfer_assets(Context& ctx, const std::string& from, const std::string& to,
                                      const std::string& cls, bool dry_run) {
    if (from == to) {
        throw UsageError(fmt::format("--from and --to are both '{}'", from));
    }
    const policy::Person* p = ctx.policy.person(to);
    if (!p) {
        std::vector<std::string> ids;
        for (const auto& [id, person] : ctx.policy.people) {
            ids.push_back(id);
        }
        throw DataError(fmt::format("'{}' is not a person in the policy", to), util::suggest(to, ids));
    }
    if (!p->active) {
        throw DataError(fmt::format("'{}' is no longer active and cannot take over assets", to));
    }
    if (!cls.empty()) {
        class_or_throw(ctx, cls);
    }
    auto notice_of = [&](const std::vector<Transfer>& out) {
        nlohmann::json tags = nlohmann::json::array();
        for (const auto& t : out) {
            tags.push_back(t.tag);
        }
        return nlohmann::json{{"from", from}, {"to", to}, {"tags", tags}};
    };
    const auto out = store::write_transaction(ctx.db, [&] {
        store::AssetFilter filter;
        filter.owner = from;
        filter.cls = cls;
        filter.active_only = true;
        auto rows = store::select_asset_rows(ctx.db, filter);
        if (rows.empty() && !ctx.policy.person(from)) {
            throw NotFound(fmt::format("no assets owned by '{}'", from), "the name is not a person in the policy either");
        }
        std::vector<Transfer> out;
        store::AssetWriter writer(ctx.db);
        for (auto& a : rows) {
            out.push_back({a.tag, a.cls, a.name, from, to});
            if (dry_run) {
                continue;
            }
            a.owner = to;
            a.updated_at = ctx.now;
            writer.update(a);
            audit::record(ctx, "asset", a.tag, "transferred", {{"owner", {from, to}}});
        }
        if (!dry_run && !out.empty()) {
            notify::queue(ctx, "asset.transferred", notice_of(out));
        }
        return out;
    });
    if (!dry_run && !out.empty()) {
        notify::after_commit(ctx, "asset.transferred", notice_of(out));
    }
    return out;
}

std::vector<Asset> list_assets(Context& ctx, const ListQuery& q) {
    store::AssetFilter filter;
    if (!q.cls.empty()) {
        filter.cls = class_or_throw(ctx, q.cls).id;
    }
    if (!q.status.empty()) {
        policy::require_one_of("asset status", q.status, statuses());
        filter.status = q.status;
    }
    if (!q.owner.empty()) {
        policy::require_name(ctx.policy, "people", q.owner);
    }
    if (!q.location.empty()) {
        policy::require_name(ctx.policy, "locations", q.location);
    }
    filter.owner = q.owner;
    filter.location = q.location;
    filter.search = q.search;
    filter.limit = q.limit;
    filter.with_fields = q.with_fields;
    const auto field_keys = ctx.policy.assets.field_keys();
    for (const auto& w : q.where) {
        const auto eq = w.find('=');
        if (eq == std::string::npos || eq == 0) {
            throw UsageError(fmt::format("--where '{}' is not key=value", w));
        }
        const std::string key = w.substr(0, eq);
        std::string value = w.substr(eq + 1);
        const auto& cols = builtin_columns();
        if (std::find(cols.begin(), cols.end(), key) != cols.end()) {
            filter.columns.emplace_back(key, value);
            continue;
        }
        const policy::AssetField* field = nullptr;
        for (const auto& c : ctx.policy.assets.classes) {
            if ((field = c.field(key))) {
                break;
            }
        }
        if (!field) {
            std::vector<std::string> all = cols;
            all.insert(all.end(), field_keys.begin(), field_keys.end());
            throw UsageError(fmt::format("unknown key '{}' in --where", key), util::suggest(key, all));
        }
        // Compare in the stored form, so that `--where laptop=yes` finds "true".
        if (!value.empty() && field->type != policy::FieldType::enumeration) {
            std::string problem;
            if (auto v = check_field_value(*field, value, problem)) {
                value = *v;
            } else {
                throw UsageError(problem);
            }
        }
        filter.fields.emplace_back(key, value);
    }
    return store::select_asset_rows(ctx.db, filter);
}

std::vector<std::pair<std::string, std::int64_t>> count_assets(Context& ctx, const std::string& by) {
    static const std::vector<std::string> k_by = {"class", "status", "owner", "location"};
    if (std::find(k_by.begin(), k_by.end(), by) == k_by.end()) {
        throw UsageError(fmt::format("cannot count by '{}' ({})", by, util::suggest(by, k_by)));
    }
    return store::count_assets_by(ctx.db, by);
}

} // namespace opsctl::asset
