#include "lib/store/report_asset.hpp"
#include "lib/store/driver.hpp"

#include <fmt/format.h>

namespace opsctl::store {

namespace {

void bind_period(Statement& q, const ReportPeriod& p) {
    q.bind(1, static_cast<std::int64_t>(p.start));
    q.bind(2, static_cast<std::int64_t>(p.end));
}

// A text column as a view, valid until the statement steps again.
std::string_view column_view(Statement& q, int i) { return q.column(i).as_text(); }

std::vector<AssetEnding> read_endings(Statement& q) {
    std::vector<AssetEnding> out;
    while (q.step()) {
        AssetEnding a;
        a.tag = q.column(0).as_string();
        a.cls = q.column(1).as_string();
        a.name = q.column(2).as_string();
        a.owner = q.column(3).as_string();
        a.date = q.column(4).as_string();
        out.push_back(std::move(a));
    }
    return out;
}

} // namespace

bool report_has_assets(Database& db) { return report_table_has_rows(db, "assets"); }

void visit_asset_lives(Database& db, const std::function<void(const AssetLife&)>& visit) {
    if (!report_table_exists(db, "assets")) {
        return;
    }
    Statement q(db, "SELECT rowid, class, status, created_at, retired_at, disposed_at, tag, warranty_until FROM assets "
                    "ORDER BY rowid");
    AssetLife a;
    while (q.step()) {
        a.row = q.column(0).as_int64();
        a.cls = column_view(q, 1);
        a.status = column_view(q, 2);
        a.created_at = q.column(3).as_int64();
        a.retired_at = column_int(q, 4);
        a.disposed_at = column_int(q, 5);
        a.tag = column_view(q, 6);
        a.warranty_until = column_view(q, 7);
        visit(a);
    }
}

void visit_maintenance_after(Database& db, const std::string& kind, std::int64_t after,
                             const std::function<void(std::string_view tag, std::int64_t at)>& visit) {
    if (!report_table_exists(db, "asset_maintenance")) {
        return;
    }
    // The tags, not the assets' rows: a seek in the tags' index for each record was most of
    // the review's asset section (100,000 records of a kind in a year on the bench database).
    Statement q(db, "SELECT tag, at FROM asset_maintenance WHERE kind = ?1 AND at > ?2 ORDER BY at");
    q.bind(1, kind);
    q.bind(2, static_cast<std::int64_t>(after));
    while (q.step()) {
        visit(column_view(q, 0), q.column(1).as_int64());
    }
}

bool has_maintenance_by(Database& db, std::string_view tag, const std::string& kind, std::int64_t at) {
    auto& q = db.cached("SELECT 1 FROM asset_maintenance WHERE tag = ?1 AND kind = ?2 AND at <= ?3 LIMIT 1");
    q.bind(1, std::string(tag)); // text: the (pointer, size) overload binds a blob
    q.bind(2, kind);
    q.bind(3, static_cast<std::int64_t>(at));
    const bool found = q.step();
    q.reset();
    return found;
}

std::vector<std::pair<std::string, std::int64_t>> maintenance_by_kind(Database& db, const ReportPeriod& p) {
    std::vector<std::pair<std::string, std::int64_t>> out;
    if (!report_table_exists(db, "asset_maintenance")) {
        return out;
    }
    // The kinds the CHECK on asset_maintenance.kind allows, named so that each is a range of
    // asset_maintenance_kind_at counted from the index alone; by time alone, each record of
    // the month was looked up for its kind (10x the CPU).
    Statement q(db, "SELECT kind, COUNT(*) FROM asset_maintenance "
                    "WHERE kind IN ('check', 'clean', 'other', 'repair', 'upgrade') "
                    "AND at >= ?1 AND at < ?2 GROUP BY kind ORDER BY kind");
    bind_period(q, p);
    while (q.step()) {
        out.emplace_back(q.column(0).as_string(), q.column(1).as_int64());
    }
    return out;
}

void visit_maintained_between(Database& db, const std::string& cls, const std::string& kind,
                              std::int64_t from, std::int64_t to,
                              const std::function<bool(const AssetLastMaintenance&)>& visit) {
    if (!report_table_exists(db, "asset_maintenance")) {
        return;
    }
    // Two runs, each in (instant, tag) order and merged here: the records of the kind in the
    // span that are their asset's newest (asset_maintenance_kind_at, then a seek each on
    // asset_maintenance_tag), and the assets registered in it that were never maintained
    // (assets_class_created). A caller that stops early reads only the oldest few.
    Statement kept(db, R"sql(
SELECT a.tag, a.name, a.owner, a.created_at, m.at FROM asset_maintenance m CROSS JOIN assets a
WHERE a.tag = m.tag AND m.kind = ?2 AND m.at >= ?3 AND m.at <= ?4 AND a.class = ?1 AND a.status NOT IN ('retired', 'disposed')
  AND NOT EXISTS (SELECT 1 FROM asset_maintenance n WHERE n.tag = m.tag AND n.kind = m.kind AND n.at >= m.at
                    AND (n.at > m.at OR n.id > m.id))
ORDER BY m.at, m.tag)sql");
    Statement never(db, R"sql(
SELECT a.tag, a.name, a.owner, a.created_at FROM assets a
WHERE a.class = ?1 AND a.created_at >= ?3 AND a.created_at <= ?4 AND a.status NOT IN ('retired', 'disposed')
  AND NOT EXISTS (SELECT 1 FROM asset_maintenance m WHERE m.tag = a.tag AND m.kind = ?2)
ORDER BY a.created_at, a.tag)sql");
    for (auto* q : {&kept, &never}) {
        q->bind(1, cls);
        q->bind(2, kind);
        q->bind(3, static_cast<std::int64_t>(from));
        q->bind(4, static_cast<std::int64_t>(to));
    }
    auto read = [&](Statement& q, AssetLastMaintenance& row) {
        row.tag = column_view(q, 0);
        row.name = column_view(q, 1);
        row.owner = column_view(q, 2);
        row.created_at = q.column(3).as_int64();
        row.last_at =
            &q == &kept ? std::optional<std::int64_t>(q.column(4).as_int64()) : std::nullopt;
    };
    AssetLastMaintenance a, b;
    bool has_a = kept.step(), has_b = never.step();
    if (has_a) {
        read(kept, a);
    }
    if (has_b) {
        read(never, b);
    }
    while (has_a || has_b) {
        const bool take_a =
            has_a && (!has_b || std::pair(*a.last_at, a.tag) < std::pair(b.created_at, b.tag));
        if (!visit(take_a ? a : b)) {
            return;
        }
        if (take_a) {
            if ((has_a = kept.step())) {
                read(kept, a);
            }
        } else if ((has_b = never.step())) {
            read(never, b);
        }
    }
}

std::vector<AssetEnding> warranties_of(Database& db, const std::vector<std::int64_t>& rows) {
    if (rows.empty()) {
        return {};
    }
    Statement q(db, fmt::format("SELECT tag, class, name, owner, warranty_until FROM assets "
                                "WHERE rowid IN ({}) ORDER BY warranty_until, tag",
                                db.connection().id_list_sql()));
    q.bind(1, report_id_list(rows));
    return read_endings(q);
}
std::vector<AssetEnding> purchased_between(Database& db, const std::string& cls, const std::string& from,
                                           const std::string& to) {
    if (!report_table_exists(db, "assets")) {
        return {};
    }
    Statement q(db, "SELECT tag, class, name, owner, purchased FROM assets "
                    "WHERE class = ?1 AND purchased >= ?2 AND purchased <= ?3 "
                    "AND status NOT IN ('retired', 'disposed') ORDER BY purchased, tag");
    q.bind(1, cls);
    q.bind(2, from);
    q.bind(3, to);
    return read_endings(q);
}

} // namespace opsctl::store
