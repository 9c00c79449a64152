#include "lib/store/report_asset.hpp"

#include <fmt/format.h>

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
    // The kinds the CHECK on asset_maintenance.kind allows, named so that each is a range of
    // asset_maintenance_kind_at counted from the index alone; by time alone, each record of
    // the month was looked up for its kind (10x the CPU).
    SQLite::Statement q(db.sql(), "SELECT kind, COUNT(*) FROM asset_maintenance "
                                  "WHERE kind IN ('check', 'clean', 'other', 'repair', 'upgrade') "
                                  "AND at >= ?1 AND at < ?2 GROUP BY kind ORDER BY kind");
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
    // An asset in service is due unless its last maintenance before the period is after the
    // cutoff, or it has none before the period and was registered after the cutoff. Counted
    // as all in service less those two (disjoint) groups, each read from a range that grows
    // with the cadence or with recent registrations (assets_class_created,
    // asset_maintenance_kind_at), not with the register: a seek per asset of the class took
    // over a second for a review of 100,000 assets. Done: due and maintained in the period,
    // from the period's records. CROSS JOIN keeps the range of records as the outer loop (one
    // seek per maintained asset) where the planner would walk every asset of the class.
    const std::string in_service = k_in_service_at_end;
    SQLite::Statement q(db.sql(), fmt::format(R"sql(
SELECT (SELECT COUNT(*) FROM assets WHERE class = ?3 AND {0})
       - (SELECT COUNT(*) FROM (SELECT DISTINCT tag FROM asset_maintenance WHERE kind = ?4 AND at > ?5 AND at < ?1) x
            CROSS JOIN assets a ON a.tag = x.tag WHERE a.class = ?3 AND {0})
       - (SELECT COUNT(*) FROM assets a WHERE class = ?3 AND {0} AND created_at > ?5
            AND NOT EXISTS (SELECT 1 FROM asset_maintenance m WHERE m.tag = a.tag AND m.kind = ?4 AND m.at < ?1)),
       (SELECT COUNT(*) FROM (SELECT DISTINCT tag FROM asset_maintenance WHERE kind = ?4 AND at >= ?1 AND at < ?2) x
          CROSS JOIN assets a ON a.tag = x.tag WHERE a.class = ?3 AND {0}
          AND COALESCE((SELECT MAX(m.at) FROM asset_maintenance m WHERE m.tag = a.tag AND m.kind = ?4 AND m.at < ?1),
                       a.created_at) <= ?5))sql",
                                              in_service));
    bind_period(q, p);
    q.bind(3, cls);
    q.bind(4, kind);
    q.bind(5, static_cast<std::int64_t>(cutoff));
    q.executeStep();
    d.due = q.getColumn(0).getInt64();
    d.done = q.getColumn(1).getInt64();
    return d;
}

std::vector<std::int64_t>
count_maintained_by(Database& db, const std::string& kind,
                    const std::vector<std::pair<std::string, std::int64_t>>& bounds) {
    std::vector<std::int64_t> out(bounds.size(), 0);
    if (bounds.empty() || !report_table_exists(db, "asset_maintenance")) {
        return out;
    }
    // Each class's assets in use, less those maintained (this kind) after its bound, less
    // those registered after it and never maintained: ranges that grow with the cadence
    // (asset_maintenance_kind_at, assets_class_created), not a seek per asset of the class.
    // The statuses in use are listed (the CHECK on assets.status allows no others) so that the
    // first count reads from assets_class_status alone.
    SQLite::Statement in_use(db.sql(), R"sql(
SELECT (SELECT COUNT(*) FROM assets WHERE class = ?1 AND status IN ('in_stock', 'in_use', 'maintenance'))
       - (SELECT COUNT(*) FROM assets a WHERE a.class = ?1 AND a.created_at > ?3
            AND a.status IN ('in_stock', 'in_use', 'maintenance')
            AND NOT EXISTS (SELECT 1 FROM asset_maintenance m WHERE m.tag = a.tag AND m.kind = ?2)))sql");
    std::int64_t earliest = bounds.front().second;
    for (std::size_t i = 0; i < bounds.size(); ++i) {
        in_use.reset();
        in_use.bind(1, bounds[i].first);
        in_use.bind(2, kind);
        in_use.bind(3, static_cast<std::int64_t>(bounds[i].second));
        in_use.executeStep();
        out[i] = in_use.getColumn(0).getInt64();
        earliest = std::min(earliest, bounds[i].second);
    }
    // The assets maintained after their class's bound, for every class at once: the kind's
    // records after the earliest bound are read once, and each asset looked up once, however
    // many classes share the kind.
    std::string values;
    for (std::size_t i = 0; i < bounds.size(); ++i) {
        values += fmt::format("{}(?{}, ?{})", i == 0 ? "" : ", ", 3 + 2 * i, 4 + 2 * i);
    }
    SQLite::Statement recent(db.sql(), fmt::format(R"sql(
WITH b(class, bound) AS (VALUES {})
SELECT b.class, COUNT(*) FROM (SELECT tag, MAX(at) AS last_at FROM asset_maintenance WHERE kind = ?1 AND at > ?2
                                GROUP BY tag) x
CROSS JOIN assets a ON a.tag = x.tag CROSS JOIN b ON b.class = a.class
WHERE x.last_at > b.bound AND a.status IN ('in_stock', 'in_use', 'maintenance') GROUP BY b.class)sql",
                                                   values));
    recent.bind(1, kind);
    recent.bind(2, static_cast<std::int64_t>(earliest));
    for (std::size_t i = 0; i < bounds.size(); ++i) {
        recent.bind(3 + 2 * static_cast<int>(i), bounds[i].first);
        recent.bind(4 + 2 * static_cast<int>(i), static_cast<std::int64_t>(bounds[i].second));
    }
    while (recent.executeStep()) {
        const auto cls = recent.getColumn(0).getString();
        for (std::size_t i = 0; i < bounds.size(); ++i) {
            if (bounds[i].first == cls) {
                out[i] -= recent.getColumn(1).getInt64();
            }
        }
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
    SQLite::Statement kept(db.sql(), R"sql(
SELECT a.tag, a.name, a.owner, a.created_at, m.at FROM asset_maintenance m CROSS JOIN assets a ON a.tag = m.tag
WHERE m.kind = ?2 AND m.at >= ?3 AND m.at <= ?4 AND a.class = ?1 AND a.status NOT IN ('retired', 'disposed')
  AND NOT EXISTS (SELECT 1 FROM asset_maintenance n WHERE n.tag = m.tag AND n.kind = m.kind AND n.at >= m.at
                    AND (n.at > m.at OR n.id > m.id))
ORDER BY m.at, m.tag)sql");
    SQLite::Statement never(db.sql(), R"sql(
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
    auto view = [](SQLite::Statement& q, int i) {
        // The bytes are asked for after the pointer, as SQLite wants.
        const auto c = q.getColumn(i);
        const auto* text = static_cast<const char*>(c.getBlob());
        return std::string_view(text, static_cast<std::size_t>(c.getBytes()));
    };
    auto read = [&](SQLite::Statement& q, AssetLastMaintenance& row) {
        row.tag = view(q, 0);
        row.name = view(q, 1);
        row.owner = view(q, 2);
        row.created_at = q.getColumn(3).getInt64();
        row.last_at =
            &q == &kept ? std::optional<std::int64_t>(q.getColumn(4).getInt64()) : std::nullopt;
    };
    AssetLastMaintenance a, b;
    bool has_a = kept.executeStep(), has_b = never.executeStep();
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
            if ((has_a = kept.executeStep())) {
                read(kept, a);
            }
        } else if ((has_b = never.executeStep())) {
            read(never, b);
        }
    }
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
