#include "lib/store/asset_repo.hpp"
#include "lib/store/driver.hpp"

#include "lib/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace opsctl::store {

namespace {

constexpr const char* k_columns =
    "tag, class, name, model, serial, owner, location, address, status, purchased, warranty_until, parent, "
    "retire_reason, created_at, updated_at, retired_at, disposed_at";

std::optional<std::int64_t> int_or_null(const Column& c) {
    return c.is_null() ? std::nullopt : std::optional<std::int64_t>(c.as_int64());
}

AssetRow read_row(Statement& q) {
    AssetRow r;
    r.tag = q.column(0).as_string();
    r.cls = q.column(1).as_string();
    r.name = q.column(2).as_string();
    r.model = q.column(3).as_string();
    r.serial = q.column(4).as_string();
    r.owner = q.column(5).as_string();
    r.location = q.column(6).as_string();
    r.address = q.column(7).as_string();
    r.status = q.column(8).as_string();
    r.purchased = q.column(9).as_string();
    r.warranty_until = q.column(10).as_string();
    r.parent = q.column(11).as_string();
    r.retire_reason = q.column(12).as_string();
    r.created_at = q.column(13).as_int64();
    r.updated_at = q.column(14).as_int64();
    r.retired_at = int_or_null(q.column(15));
    r.disposed_at = int_or_null(q.column(16));
    return r;
}

void bind_int_or_null(Statement& q, int index, const std::optional<std::int64_t>& value) {
    if (value) {
        q.bind(index, static_cast<std::int64_t>(*value));
    } else {
        q.bind(index);
    }
}

// Binds without a copy: for rows bound and stepped while the row is alive (every caller of
// bind_row steps before returning, and binds every parameter again on the next use).
void bind_text_or_null_ref(Statement& q, int index, const std::string& value) {
    if (value.empty()) {
        q.bind(index);
    } else {
        q.bind_no_copy(index, value);
    }
}

// Binds the 17 columns in k_columns order starting at 1.
void bind_row(Statement& q, const AssetRow& r) {
    q.bind_no_copy(1, r.tag);
    q.bind_no_copy(2, r.cls);
    q.bind_no_copy(3, r.name);
    q.bind_no_copy(4, r.model);
    q.bind_no_copy(5, r.serial);
    q.bind_no_copy(6, r.owner);
    q.bind_no_copy(7, r.location);
    q.bind_no_copy(8, r.address);
    q.bind_no_copy(9, r.status);
    bind_text_or_null_ref(q, 10, r.purchased);
    bind_text_or_null_ref(q, 11, r.warranty_until);
    bind_text_or_null_ref(q, 12, r.parent);
    q.bind_no_copy(13, r.retire_reason);
    q.bind(14, static_cast<std::int64_t>(r.created_at));
    q.bind(15, static_cast<std::int64_t>(r.updated_at));
    bind_int_or_null(q, 16, r.retired_at);
    bind_int_or_null(q, 17, r.disposed_at);
}

void load_fields(Statement& q, AssetRow& row) {
    q.reset();
    q.bind(1, row.tag);
    while (q.step()) {
        row.fields.emplace(q.column(0).as_string(), q.column(1).as_string());
    }
}

constexpr const char* k_fields_of = "SELECT key, value FROM asset_fields WHERE tag = ?";

bool is_column(const std::string& c) {
    static const char* const k_known[] = {"tag",      "class",   "name",      "model",          "serial",
                                          "owner",    "location", "address",  "status",         "purchased",
                                          "warranty_until", "parent"};
    for (const char* k : k_known) {
        if (c == k) {
            return true;
        }
    }
    return false;
}

} // namespace

std::optional<AssetRow> find_asset_row(Database& db, const std::string& tag) {
    Statement q(db, fmt::format("SELECT {} FROM assets WHERE tag = ?", k_columns));
    q.bind(1, tag);
    if (!q.step()) {
        return std::nullopt;
    }
    AssetRow row = read_row(q);
    Statement f(db, k_fields_of);
    load_fields(f, row);
    return row;
}

std::vector<std::string> tags_with_serial(Database& db, const std::string& serial) {
    Statement q(db, "SELECT tag FROM assets WHERE serial = ? AND serial <> '' ORDER BY tag");
    q.bind(1, serial);
    std::vector<std::string> out;
    while (q.step()) {
        out.push_back(q.column(0).as_string());
    }
    return out;
}

bool asset_exists(Database& db, const std::string& tag) {
    Statement q(db, "SELECT 1 FROM assets WHERE tag = ?");
    q.bind(1, tag);
    return q.step();
}

std::vector<std::string> all_asset_tags(Database& db) {
    Statement q(db, "SELECT tag FROM assets ORDER BY tag");
    std::vector<std::string> out;
    while (q.step()) {
        out.push_back(q.column(0).as_string());
    }
    return out;
}

std::vector<std::string> child_tags(Database& db, const std::string& tag) {
    Statement q(db, "SELECT tag FROM assets WHERE parent = ? ORDER BY tag");
    q.bind(1, tag);
    std::vector<std::string> out;
    while (q.step()) {
        out.push_back(q.column(0).as_string());
    }
    return out;
}

std::vector<AssetRow> select_asset_rows(Database& db, const AssetFilter& filter) {
    std::string sql = fmt::format("SELECT {} FROM assets WHERE TRUE", k_columns);
    std::vector<std::string> binds;
    auto equal = [&](const char* column, const std::string& value) {
        if (!value.empty()) {
            sql += fmt::format(" AND {} = ?", column);
            binds.push_back(value);
        }
    };
    equal("class", filter.cls);
    equal("status", filter.status);
    equal("owner", filter.owner);
    equal("location", filter.location);
    for (const auto& [column, value] : filter.columns) {
        if (!is_column(column)) {
            throw Failure(fmt::format("no asset column '{}'", column));
        }
        // An empty value means "not set": dates and parent are NULL then, the rest ''.
        if (value.empty()) {
            sql += fmt::format(" AND coalesce({}, '') = ''", column);
        } else {
            sql += fmt::format(" AND {} = ?", column);
            binds.push_back(value);
        }
    }
    for (const auto& [key, value] : filter.fields) {
        if (value.empty()) {
            sql += " AND tag NOT IN (SELECT tag FROM asset_fields WHERE key = ?)";
            binds.push_back(key);
        } else {
            sql += " AND tag IN (SELECT tag FROM asset_fields WHERE key = ? AND value = ?)";
            binds.push_back(key);
            binds.push_back(value);
        }
    }
    if (filter.active_only) {
        sql += " AND status NOT IN ('retired', 'disposed')";
    }
    if (!filter.search.empty()) {
        // instr() > 0: a boolean on both engines (PostgreSQL's schema defines instr()).
        sql += " AND (instr(tag, :s) > 0 OR instr(name, :s) > 0 OR instr(model, :s) > 0 OR instr(serial, :s) > 0"
               " OR instr(address, :s) > 0 OR instr(location, :s) > 0"
               " OR tag IN (SELECT tag FROM asset_fields WHERE instr(value, :s) > 0))";
    }
    sql += " ORDER BY tag";
    if (filter.limit > 0) {
        sql += fmt::format(" LIMIT {}", filter.limit);
    }
    Statement q(db, sql);
    int i = 1;
    for (const auto& b : binds) {
        q.bind(i++, b);
    }
    if (!filter.search.empty()) {
        q.bind(":s", filter.search);
    }
    std::vector<AssetRow> out;
    while (q.step()) {
        out.push_back(read_row(q));
    }
    if (filter.with_fields) {
        Statement f(db, k_fields_of);
        for (auto& row : out) {
            load_fields(f, row);
        }
    }
    return out;
}

void each_asset_row(Database& db, const std::string& cls, const std::function<void(const AssetRow&)>& fn) {
    // Two ordered scans merged by tag: one pass over each table instead of a lookup per asset.
    std::string sql = fmt::format("SELECT {} FROM assets", k_columns);
    std::string fsql = "SELECT f.tag, f.key, f.value FROM asset_fields f";
    if (!cls.empty()) {
        sql += " WHERE class = ?";
        fsql += " JOIN assets a ON a.tag = f.tag WHERE a.class = ?";
    }
    sql += " ORDER BY tag";
    fsql += " ORDER BY f.tag";
    Statement q(db, sql);
    Statement f(db, fsql);
    if (!cls.empty()) {
        q.bind(1, cls);
        f.bind(1, cls);
    }
    bool have_field = f.step();
    while (q.step()) {
        AssetRow row = read_row(q);
        while (have_field && f.column(0).as_string() < row.tag) {
            have_field = f.step();
        }
        while (have_field && f.column(0).as_string() == row.tag) {
            row.fields.emplace(f.column(1).as_string(), f.column(2).as_string());
            have_field = f.step();
        }
        fn(row);
    }
}

std::vector<std::pair<std::string, std::int64_t>> count_assets_by(Database& db, const std::string& column) {
    if (column != "class" && column != "status" && column != "owner" && column != "location") {
        throw Failure(fmt::format("cannot count assets by '{}'", column));
    }
    Statement q(db, fmt::format("SELECT {0}, count(*) FROM assets GROUP BY {0} ORDER BY {0}", column));
    std::vector<std::pair<std::string, std::int64_t>> out;
    while (q.step()) {
        out.emplace_back(q.column(0).as_string(), q.column(1).as_int64());
    }
    return out;
}

struct AssetLookup::Statements {
    Statement find;
    Statement fields;
    Statement exists;
    Statement serial;
    Statement get_seq;

    explicit Statements(Database& db)
        : find(db, fmt::format("SELECT {} FROM assets WHERE tag = ?", k_columns)), fields(db, k_fields_of),
          exists(db, "SELECT 1 FROM assets WHERE tag = ?"),
          serial(db, "SELECT tag FROM assets WHERE serial = ? AND serial <> '' ORDER BY tag"),
          get_seq(db, "SELECT last FROM asset_tag_seq WHERE prefix = ?") {}
};

AssetLookup::AssetLookup(Database& db) : m_s(std::make_unique<Statements>(db)) {}
AssetLookup::~AssetLookup() = default;

std::optional<AssetRow> AssetLookup::find(const std::string& tag) {
    auto& q = m_s->find;
    q.reset();
    q.bind(1, tag);
    if (!q.step()) {
        return std::nullopt;
    }
    AssetRow row = read_row(q);
    q.reset();
    load_fields(m_s->fields, row);
    return row;
}

bool AssetLookup::exists(const std::string& tag) {
    auto& q = m_s->exists;
    q.reset();
    q.bind(1, tag);
    const bool found = q.step();
    q.reset();
    return found;
}

std::vector<std::string> AssetLookup::tags_with_serial(const std::string& serial) {
    auto& q = m_s->serial;
    q.reset();
    q.bind(1, serial);
    std::vector<std::string> out;
    while (q.step()) {
        out.push_back(q.column(0).as_string());
    }
    return out;
}

std::int64_t AssetLookup::next_number(const std::string& prefix, int digits) {
    auto& g = m_s->get_seq;
    g.reset();
    g.bind(1, prefix);
    std::int64_t n = g.step() ? g.column(0).as_int64() : 0;
    g.reset();
    // A tag typed by hand may already hold the next number: skip past it.
    while (exists(fmt::format("{}-{:0{}}", prefix, n + 1, digits))) {
        ++n;
    }
    return n + 1;
}

struct AssetWriter::Statements {
    Statement insert;
    Statement update;
    Statement insert_field;
    Statement delete_fields;
    Statement get_seq;
    Statement set_seq;
    Statement exists;

    explicit Statements(Database& db)
        : insert(db, fmt::format("INSERT INTO assets ({}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", k_columns)),
          update(db, "UPDATE assets SET class = ?2, name = ?3, model = ?4, serial = ?5, owner = ?6, location = ?7, "
                     "address = ?8, status = ?9, purchased = ?10, warranty_until = ?11, parent = ?12, "
                     "retire_reason = ?13, created_at = ?14, updated_at = ?15, retired_at = ?16, "
                     "disposed_at = ?17 WHERE tag = ?1"),
          insert_field(db, "INSERT INTO asset_fields (tag, key, value) VALUES (?, ?, ?)"),
          delete_fields(db, "DELETE FROM asset_fields WHERE tag = ?"),
          get_seq(db, "SELECT last FROM asset_tag_seq WHERE prefix = ?"),
          set_seq(db, "INSERT INTO asset_tag_seq (prefix, last) VALUES (?1, ?2) "
                      "ON CONFLICT (prefix) DO UPDATE SET last = CASE WHEN ?2 > asset_tag_seq.last THEN ?2 ELSE asset_tag_seq.last END"),
          exists(db, "SELECT 1 FROM assets WHERE tag = ?") {}
};

AssetWriter::AssetWriter(Database& db) : m_db(db), m_s(std::make_unique<Statements>(db)) {}
AssetWriter::~AssetWriter() = default;

void AssetWriter::insert(const AssetRow& row) {
    auto& q = m_s->insert;
    q.reset();
    bind_row(q, row);
    q.exec();
    // One statement a field. A statement of several rows that may abort (the tag's foreign
    // key, checked at commit under defer_foreign_keys, marks it so even with OR ROLLBACK)
    // keeps a statement journal: every page it changes copied first, spilled to a temporary
    // file once past 64 KiB. At 1,000,000 assets that was 6 million writes to that file, 80%
    // of the import's writes, and the million-row import fell 8% short of its floor.
    auto& f = m_s->insert_field;
    for (const auto& [key, value] : row.fields) {
        f.reset();
        f.bind_no_copy(1, row.tag);
        f.bind_no_copy(2, key);
        f.bind_no_copy(3, value);
        f.exec();
    }
}

void AssetWriter::update(const AssetRow& row) {
    auto& q = m_s->update;
    q.reset();
    bind_row(q, row);
    if (q.exec() != 1) {
        throw Failure(fmt::format("no asset '{}' to update", row.tag));
    }
    auto& d = m_s->delete_fields;
    d.reset();
    d.bind(1, row.tag);
    d.exec();
    for (const auto& [key, value] : row.fields) {
        auto& f = m_s->insert_field;
        f.reset();
        f.bind(1, row.tag);
        f.bind(2, key);
        f.bind(3, value);
        f.exec();
    }
}

std::int64_t AssetWriter::next_number(const std::string& prefix, int digits) {
    auto& g = m_s->get_seq;
    g.reset();
    g.bind(1, prefix);
    std::int64_t n = g.step() ? g.column(0).as_int64() : 0;
    g.reset();
    // A tag typed by hand may already hold the next number: skip past it.
    auto& e = m_s->exists;
    while (true) {
        ++n;
        e.reset();
        e.bind(1, fmt::format("{}-{:0{}}", prefix, n, digits));
        const bool taken = e.step();
        e.reset();
        if (!taken) {
            return n;
        }
    }
}

void AssetWriter::begin_bulk_load() {
    m_db.connection().relax_checks_for_bulk_load();
}

void AssetWriter::note_number(const std::string& prefix, std::int64_t number) {
    auto& s = m_s->set_seq;
    s.reset();
    s.bind(1, prefix);
    s.bind(2, static_cast<std::int64_t>(number));
    s.exec();
}

std::int64_t insert_maintenance(Database& db, const MaintenanceRow& row) {
    Statement q(db, "INSERT INTO asset_maintenance (tag, kind, at, note, result, spent_secs, cost, "
                    "actor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, row.tag);
    q.bind(2, row.kind);
    q.bind(3, static_cast<std::int64_t>(row.at));
    q.bind(4, row.note);
    q.bind(5, row.result);
    bind_int_or_null(q, 6, row.spent_secs);
    if (row.cost) {
        q.bind(7, *row.cost);
    } else {
        q.bind(7);
    }
    q.bind(8, row.actor);
    q.bind(9, static_cast<std::int64_t>(row.created_at));
    q.exec();
    return db.last_insert_id();
}

std::vector<MaintenanceRow> select_maintenance(Database& db, const MaintenanceFilter& filter) {
    std::string sql = "SELECT id, tag, kind, at, note, result, spent_secs, cost, actor, created_at "
                      "FROM asset_maintenance WHERE TRUE";
    if (!filter.tag.empty()) {
        sql += " AND tag = :tag";
    }
    if (!filter.kind.empty()) {
        sql += " AND kind = :kind";
    }
    if (filter.since) {
        sql += " AND at >= :since";
    }
    sql += " ORDER BY at DESC, id DESC";
    if (filter.limit > 0) {
        sql += fmt::format(" LIMIT {}", filter.limit);
    }
    Statement q(db, sql);
    if (!filter.tag.empty()) {
        q.bind(":tag", filter.tag);
    }
    if (!filter.kind.empty()) {
        q.bind(":kind", filter.kind);
    }
    if (filter.since) {
        q.bind(":since", static_cast<std::int64_t>(*filter.since));
    }
    std::vector<MaintenanceRow> out;
    while (q.step()) {
        MaintenanceRow m;
        m.id = q.column(0).as_int64();
        m.tag = q.column(1).as_string();
        m.kind = q.column(2).as_string();
        m.at = q.column(3).as_int64();
        m.note = q.column(4).as_string();
        m.result = q.column(5).as_string();
        m.spent_secs = int_or_null(q.column(6));
        if (!q.column(7).is_null()) {
            m.cost = q.column(7).as_double();
        }
        m.actor = q.column(8).as_string();
        m.created_at = q.column(9).as_int64();
        out.push_back(std::move(m));
    }
    return out;
}

std::vector<LastMaintenance> last_maintenance(Database& db, const std::string& cls, const std::string& kind) {
    Statement q(db, "SELECT a.tag, a.name, a.owner, a.status, a.created_at, coalesce(a.purchased, ''), "
                    "(SELECT max(m.at) FROM asset_maintenance m WHERE m.tag = a.tag AND m.kind = ?2) "
                    "FROM assets a WHERE a.class = ?1 AND a.status NOT IN ('retired', 'disposed') "
                    "ORDER BY a.tag");
    q.bind(1, cls);
    q.bind(2, kind);
    std::vector<LastMaintenance> out;
    while (q.step()) {
        LastMaintenance l;
        l.tag = q.column(0).as_string();
        l.name = q.column(1).as_string();
        l.owner = q.column(2).as_string();
        l.status = q.column(3).as_string();
        l.created_at = q.column(4).as_int64();
        l.purchased = q.column(5).as_string();
        l.last_at = int_or_null(q.column(6));
        out.push_back(std::move(l));
    }
    return out;
}

std::vector<AssetRow> warranties_ending(Database& db, const std::string& from, const std::string& until) {
    Statement q(db, fmt::format("SELECT {} FROM assets WHERE warranty_until >= ? AND "
                                "warranty_until <= ? AND status NOT IN ('retired', 'disposed') "
                                "ORDER BY warranty_until, tag",
                                k_columns));
    q.bind(1, from);
    q.bind(2, until);
    std::vector<AssetRow> out;
    while (q.step()) {
        out.push_back(read_row(q));
    }
    return out;
}

std::vector<AssetRow> purchased_before(Database& db, const std::string& cls, const std::string& date) {
    Statement q(db, fmt::format("SELECT {} FROM assets WHERE class = ? AND purchased <= ? AND "
                                "status NOT IN ('retired', 'disposed') ORDER BY purchased, tag",
                                k_columns));
    q.bind(1, cls);
    q.bind(2, date);
    std::vector<AssetRow> out;
    while (q.step()) {
        out.push_back(read_row(q));
    }
    return out;
}

std::vector<AssetCost> asset_costs(Database& db, const std::string& cls, const std::string& field, std::int64_t at) {
    // One read of the class with its cost field joined: the book values are summed in C++,
    // where the straight line's day count is exact on every engine.
    Statement q(db, "SELECT a.purchased, f.value FROM assets a JOIN asset_fields f ON f.tag = a.tag AND f.key = ?2 "
                    "WHERE a.class = ?1 AND a.purchased IS NOT NULL AND a.created_at < ?3 "
                    "AND (a.retired_at IS NULL OR a.retired_at >= ?3) AND (a.disposed_at IS NULL OR a.disposed_at >= ?3)");
    q.bind(1, cls);
    q.bind(2, field);
    q.bind(3, at);
    std::vector<AssetCost> out;
    while (q.step()) {
        out.push_back({q.column(0).as_string(), q.column(1).as_string()});
    }
    return out;
}

} // namespace opsctl::store
