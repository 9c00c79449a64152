#include "lib/policy/parsers.hpp"
#include "lib/util/money.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

namespace opsctl::policy {

namespace {

// Column names of the asset register itself: a custom field may not shadow one, or an
// exported file could not say which is which.
const std::vector<std::string> k_builtin_columns = {
    "tag",    "class",     "name",           "model",  "serial",      "owner",       "location",
    "address", "status",   "purchased",      "warranty_until", "parent", "created_at", "updated_at",
    "retired_at", "disposed_at", "retire_reason"};

bool is_prefix(const std::string& s) {
    if (s.empty() || s.size() > 16) {
        return false;
    }
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

bool is_field_key(const std::string& s) {
    if (s.empty() || s.size() > 64 || !std::islower(static_cast<unsigned char>(s[0]))) {
        return false;
    }
    return std::all_of(s.begin(), s.end(),
                       [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '_'; });
}

void parse_field(Reader& r, const std::string& key, const Node& node, AssetClass& cls) {
    AssetField field;
    field.key = key;
    field.label = key;
    field.origin = r.origin(node);
    if (!is_field_key(key)) {
        r.error(node, fmt::format("field name '{}' must be lower-case letters, digits and '_'", key));
        return;
    }
    if (std::find(k_builtin_columns.begin(), k_builtin_columns.end(), key) != k_builtin_columns.end()) {
        r.error(node, fmt::format("field '{}' would shadow the built-in column of that name", key));
        return;
    }
    const std::string what = fmt::format("field '{}' of class '{}'", key, cls.id);
    std::string type = "string";
    if (node.is_scalar()) {
        // Short form: `cpu: string`.
        type = node.scalar();
    } else if (node.is_map()) {
        if (!r.map(node, what, {"type", "label", "required", "values"})) {
            return;
        }
        type = r.one_of(node, "type", {"string", "int", "date", "bool", "enum", "money"}).value_or("string");
        field.label = r.string(node, "label").value_or(key);
        field.required = r.boolean(node, "required").value_or(false);
        field.values = r.strings(node, "values").value_or(std::vector<std::string>{});
    } else if (!node.is_null()) {
        r.error(node, fmt::format("{} must be a type word or a mapping", what));
        return;
    }
    static const std::map<std::string, FieldType> k_types = {{"string", FieldType::string},
                                                             {"int", FieldType::integer},
                                                             {"date", FieldType::date},
                                                             {"bool", FieldType::boolean},
                                                             {"enum", FieldType::enumeration},
                                                             {"money", FieldType::money}};
    auto it = k_types.find(type);
    if (it == k_types.end()) {
        r.error(node, fmt::format("unknown type '{}' for {} (known: string, int, date, bool, enum, money)", type, what));
        return;
    }
    field.type = it->second;
    if (field.type == FieldType::enumeration && field.values.empty()) {
        r.error(node, fmt::format("{} is an enum and needs 'values'", what));
        return;
    }
    if (field.type != FieldType::enumeration && !field.values.empty()) {
        r.error(node, fmt::format("{} has 'values' but is not an enum", what));
        return;
    }
    cls.fields.push_back(std::move(field));
}

// `residual: 10%` (a share of the cost, up to two decimals) or `residual: 500.00` (an amount).
void parse_residual(Reader& r, const Node& node, const std::string& what, Depreciation& dep) {
    const auto text = r.as_string(node, what);
    if (!text) {
        return;
    }
    std::string_view v = *text;
    if (!v.empty() && v.back() == '%') {
        v.remove_suffix(1);
        const auto share = util::parse_cents(v); // "12.5" -> 1250: basis points
        if (!share || *share > 10000 || v.find(',') != std::string_view::npos) {
            r.error(node, fmt::format("{} must be a share from 0% to 100%, not '{}'", what, *text));
            return;
        }
        dep.residual_basis_points = *share;
        return;
    }
    const auto cents = util::parse_cents(v);
    if (!cents) {
        r.error(node, fmt::format("{} must be an amount such as 500.00 or a share such as 5%, not '{}'", what, *text));
        return;
    }
    dep.residual_cents = *cents;
}

void parse_depreciation(Reader& r, const Node& node, const std::string& cls_what, AssetClass& cls) {
    const std::string what = fmt::format("depreciation of {}", cls_what);
    if (!r.map(node, what, {"method", "cost", "life", "residual"})) {
        return;
    }
    Depreciation dep;
    dep.origin = r.origin(node);
    dep.method = r.one_of(node, "method", {"straight_line"}).value_or("straight_line");
    if (auto cost = r.string(node, "cost", true)) {
        dep.cost_field = *cost;
    } else {
        return;
    }
    if (auto life = r.duration(node, "life")) {
        dep.life = *life;
    } else if (cls.service_life) {
        dep.life = *cls.service_life;
    } else {
        r.error(node, fmt::format("{} needs 'life' (or a service_life of the class)", what));
        return;
    }
    if (dep.life.is_zero() || dep.life.seconds != 0) {
        r.error(node, fmt::format("life in {} must be days, weeks, months or years", what));
        return;
    }
    if (const Node residual = node["residual"]; residual.is_defined() && !residual.is_null()) {
        parse_residual(r, residual, fmt::format("residual in {}", what), dep);
    }
    cls.depreciation = std::move(dep);
}

void parse_class(Reader& r, const std::string& id, const Node& key, const Node& node, Policy& p) {
    auto& assets = p.assets;
    if (const AssetClass* first = assets.find_class(id)) {
        r.error(key, fmt::format("asset class '{}' is defined twice (first at {})", id, first->origin.str()));
        return;
    }
    AssetClass cls;
    cls.id = id;
    cls.label = id;
    cls.origin = r.origin(key);
    const std::string what = fmt::format("asset class '{}'", id);
    if (!r.map(node, what, {"label", "prefix", "digits", "fields", "service_life", "maintenance", "audit_every",
                              "depreciation"})) {
        return;
    }
    cls.label = r.string(node, "label").value_or(id);
    if (auto prefix = r.string(node, "prefix", true)) {
        if (!is_prefix(*prefix)) {
            r.error(node["prefix"], fmt::format("tag prefix '{}' of {} must be 1-16 letters, digits or '_'",
                                                *prefix, what));
        }
        cls.prefix = *prefix;
    }
    cls.digits = static_cast<int>(r.integer(node, "digits", false, 1, 12).value_or(4));
    cls.service_life = r.duration(node, "service_life");
    if (const Node cadences = node["maintenance"]; cadences.is_defined() && !cadences.is_null()) {
        if (r.map(cadences, fmt::format("maintenance of {}", what), maintenance_kinds())) {
            for (auto it = cadences.begin(); it != cadences.end(); ++it) {
                const std::string kind = it->first.scalar();
                if (auto d = r.as_duration(it->second, fmt::format("maintenance '{}' of {}", kind, what))) {
                    if (d->is_zero()) {
                        r.error(it->second, fmt::format("maintenance '{}' of {} must be longer than 0", kind, what));
                    } else {
                        cls.cadences[kind] = *d;
                    }
                }
            }
        }
    }
    if (const Node fields = node["fields"]; fields.is_defined() && !fields.is_null()) {
        r.entries(fields, fmt::format("field of {}", what),
                  [&](const std::string& name, const Node&, const Node& value) {
                      parse_field(r, name, value, cls);
                  });
    }
    if (auto every = r.duration(node, "audit_every")) {
        if (every->is_zero()) {
            r.error(node["audit_every"], fmt::format("audit_every of {} must be longer than 0", what));
        } else {
            cls.audit_every = *every;
        }
    }
    if (const Node dep = node["depreciation"]; dep.is_defined() && !dep.is_null()) {
        parse_depreciation(r, dep, what, cls);
    }
    assets.classes.push_back(std::move(cls));
}

} // namespace

const char* field_type_name(FieldType type) {
    switch (type) {
    case FieldType::string:
        return "string";
    case FieldType::integer:
        return "int";
    case FieldType::date:
        return "date";
    case FieldType::boolean:
        return "bool";
    case FieldType::enumeration:
        return "enum";
    case FieldType::money:
        return "money";
    }
    return "string";
}

const std::vector<std::string>& maintenance_kinds() {
    static const std::vector<std::string> k_kinds = {"check", "clean", "repair", "upgrade", "other"};
    return k_kinds;
}

const AssetField* AssetClass::field(const std::string& key) const {
    for (const auto& f : fields) {
        if (f.key == key) {
            return &f;
        }
    }
    return nullptr;
}

const AssetClass* AssetPolicy::find_class(const std::string& id) const {
    for (const auto& c : classes) {
        if (c.id == id) {
            return &c;
        }
    }
    return nullptr;
}

std::vector<std::string> AssetPolicy::class_ids() const {
    std::vector<std::string> out;
    for (const auto& c : classes) {
        out.push_back(c.id);
    }
    return out;
}

std::vector<std::string> AssetPolicy::field_keys() const {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const auto& c : classes) {
        for (const auto& f : c.fields) {
            if (seen.insert(f.key).second) {
                out.push_back(f.key);
            }
        }
    }
    return out;
}

void parse_assets(Reader& r, const Node& node, Policy& p) {
    if (node.is_null()) {
        return;
    }
    if (!r.map(node, "section 'assets'", {"classes", "locations", "statuses", "warranty_notice"})) {
        return;
    }
    if (const Node statuses = node["statuses"]; statuses.is_defined()) {
        // The lifecycle is built in; the key is accepted only to say so.
        const std::vector<std::string> fixed = {"in_stock", "in_use", "maintenance", "retired", "disposed"};
        auto listed = r.strings(node, "statuses");
        if (listed && *listed != fixed) {
            r.error(statuses, "assets.statuses are fixed: in_stock, in_use, maintenance, retired, disposed");
        }
    }
    if (auto notice = r.duration(node, "warranty_notice")) {
        p.assets.warranty_notice = *notice;
    }
    if (const Node locations = node["locations"]; locations.is_defined() && !locations.is_null()) {
        if (auto list = r.strings(node, "locations")) {
            std::set<std::string> seen(p.assets.locations.begin(), p.assets.locations.end());
            for (const auto& l : *list) {
                if (l.empty() || !seen.insert(l).second) {
                    r.error(locations, fmt::format("location '{}' is empty or listed twice", l));
                    continue;
                }
                p.assets.locations.push_back(l);
            }
            p.assets.locations_origin = r.origin(locations);
        }
    }
    if (const Node classes = node["classes"]; classes.is_defined() && !classes.is_null()) {
        r.entries(classes, "asset class", [&](const std::string& id, const Node& key, const Node& value) {
            parse_class(r, id, key, value, p);
        });
    }
}

void finish_assets(Diagnostics& d, Policy& p) {
    // Two classes with one prefix would hand out the same tags.
    std::map<std::string, const AssetClass*> prefixes;
    for (const auto& c : p.assets.classes) {
        if (c.prefix.empty()) {
            continue;
        }
        auto [it, fresh] = prefixes.emplace(c.prefix, &c);
        if (!fresh) {
            d.error(c.origin, fmt::format("asset class '{}' uses tag prefix '{}' like class '{}' (at {})", c.id,
                                          c.prefix, it->second->id, it->second->origin.str()));
        }
    }
    // Depreciation reads the purchase cost from a money field of the same class.
    for (const auto& c : p.assets.classes) {
        if (!c.depreciation) {
            continue;
        }
        const auto* f = c.field(c.depreciation->cost_field);
        if (!f || f->type != FieldType::money) {
            d.error(c.depreciation->origin,
                    fmt::format("depreciation of asset class '{}' names cost '{}', which is not a money field of the "
                                "class (add e.g. fields: {{{}: money}})",
                                c.id, c.depreciation->cost_field, c.depreciation->cost_field));
        }
    }
    // One key means one thing: a field shared by several classes must have one type, so that
    // an exported column reads the same for every row.
    std::map<std::string, std::pair<FieldType, const AssetField*>> types;
    for (const auto& c : p.assets.classes) {
        for (const auto& f : c.fields) {
            auto [it, fresh] = types.emplace(f.key, std::make_pair(f.type, &f));
            if (!fresh && it->second.first != f.type) {
                d.error(f.origin, fmt::format("field '{}' of class '{}' is {} but {} elsewhere (at {})", f.key, c.id,
                                              field_type_name(f.type), field_type_name(it->second.first),
                                              it->second.second->origin.str()));
            }
        }
    }
}

} // namespace opsctl::policy
