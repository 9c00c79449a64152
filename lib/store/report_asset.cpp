#include "lib/store/report_asset.hpp"

namespace opsctl::store {

namespace {

void bind_period(SQLite::Statement& q, const ReportPeriod& p) {
    q.bind(1, static_cast<std::int64_t>(p.start));
    q.bind(2, static_cast<std::int64_t>(p.end));
}

// retired_at is set on retirement and kept on disposal; disposed_at alone covers a row
// that skipped it.
constexpr const char* k_in_service_at_end = "created_at < ?2 AND (retired_at IS NULL OR retired_at >= ?2) "
                                            "AND (disposed_at IS NULL OR disposed_at >= ?2)";

std::vector<AssetEnding> read_endings(SQLite::Statement& q) {
    std::vector<AssetEnding> out;
    while (q.executeStep()) {
        AssetEnding a;
        a.tag = q.getColumn(0).getString();
        a.cls = q.getColumn(1).getString();
        a.name = q.getColumn(2).getString();
        a.owner = q.getColumn(3).getString();
        a.date = q.getColumn(4).getString();
        out.push_back(std::move(a));
    }
    return out;
}

} // namespace

bool report_has_assets(Database& db) { return report_table_has_rows(db, "assets"); }

std::vector<AssetClassCounts> assets_by_class(Database& db, const ReportPeriod& p) {
    std::vector<AssetClassCounts> out;
    if (!report_table_exists(db, "assets")) {
        return out;
    }
    SQLite::Statement q(db.sql(), std::string("SELECT class, COALESCE(SUM(") + k_in_service_at_end +
                                      "), 0), COALESCE(SUM(created_at >= ?1), 0), "
                                      "COALESCE(SUM(retired_at >= ?1 AND retired_at < ?2), 0), "
                                      "COALESCE(SUM(disposed_at >= ?1 AND disposed_at < ?2), 0) "
                                      "FROM assets WHERE created_at < ?2 GROUP BY class ORDER BY class");
    bind_period(q, p);
    while (q.executeStep()) {
        AssetClassCounts c;
        c.cls = q.getColumn(0).getString();
        c.in_service = q.getColumn(1).getInt64();
        c.added = q.getColumn(2).getInt64();
        c.retired = q.getColumn(3).getInt64();
        c.disposed = q.getColumn(4).getInt64();
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<std::pair<std::string, std::int64_t>> maintenance_by_kind(Database& db, const ReportPeriod& p) {
    std::vector<std::pair<std::string, std::int64_t>> out;
    if (!report_table_exists(db, "asset_maintenance")) {
        return out;
    }
    SQLite::Statement q(db.sql(), "SELECT kind, COUNT(*) FROM asset_maintenance WHERE at >= ?1 AND at < ?2 "
                                  "GROUP BY kind ORDER BY kind");
    bind_period(q, p);
    while (q.executeStep()) {
        out.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getInt64());
    }
    return out;
}

MaintenanceDue maintenance_due(Database& db, const std::string& cls, const std::string& kind, const ReportPeriod& p,
                               std::int64_t cutoff) {
    MaintenanceDue d;
    if (!report_table_exists(db, "asset_maintenance")) {
        return d;
    }
    // Both lookups per asset are seeks on asset_maintenance_tag (tag, kind, at).
    SQLite::Statement q(db.sql(), std::string(R"sql(
SELECT COUNT(*), COALESCE(SUM(EXISTS (SELECT 1 FROM asset_maintenance m WHERE m.tag = a.tag AND m.kind = ?4
                                       AND m.at >= ?1 AND m.at < ?2)), 0)
FROM assets a WHERE a.class = ?3 AND )sql") + k_in_service_at_end + R"sql(
  AND COALESCE((SELECT MAX(m.at) FROM asset_maintenance m WHERE m.tag = a.tag AND m.kind = ?4 AND m.at < ?1),
               a.created_at) <= ?5)sql");
    bind_period(q, p);
    q.bind(3, cls);
    q.bind(4, kind);
    q.bind(5, static_cast<std::int64_t>(cutoff));
    q.executeStep();
    d.due = q.getColumn(0).getInt64();
    d.done = q.getColumn(1).getInt64();
    return d;
}

std::vector<AssetEnding> warranties_ending_between(Database& db, const std::string& from, const std::string& to) {
    if (!report_table_exists(db, "assets")) {
        return {};
    }
    SQLite::Statement q(db.sql(), "SELECT tag, class, name, owner, warranty_until FROM assets "
                                  "WHERE warranty_until >= ?1 AND warranty_until <= ?2 "
                                  "AND status NOT IN ('retired', 'disposed') ORDER BY warranty_until, tag");
    q.bind(1, from);
    q.bind(2, to);
    return read_endings(q);
}

std::vector<AssetEnding> purchased_between(Database& db, const std::string& cls, const std::string& from,
                                           const std::string& to) {
    if (!report_table_exists(db, "assets")) {
        return {};
    }
    SQLite::Statement q(db.sql(), "SELECT tag, class, name, owner, purchased FROM assets "
                                  "WHERE class = ?1 AND purchased >= ?2 AND purchased <= ?3 "
                                  "AND status NOT IN ('retired', 'disposed') ORDER BY purchased, tag");
    q.bind(1, cls);
    q.bind(2, from);
    q.bind(3, to);
    return read_endings(q);
}

} // namespace opsctl::store
