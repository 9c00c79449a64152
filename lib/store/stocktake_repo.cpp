#include "lib/store/stocktake_repo.hpp"

#include "lib/store/report_common.hpp"

#include <string>

namespace opsctl::store {

namespace {

// Columns 0-10 of every stock-take query, the stock-take as `a`.
constexpr const char* k_select =
    "SELECT a.id, a.location, a.status, a.started_at, a.started_by, a.finished_at, a.finished_by, a.found, "
    "a.missing, a.unexpected, (SELECT count(*) FROM asset_audit_items i WHERE i.audit_id = a.id AND i.scans > 0) "
    "FROM asset_audits a";

AuditRow read_audit(Statement& q) {
    AuditRow r;
    r.id = q.column(0).as_int64();
    r.location = q.column(1).as_string();
    r.status = q.column(2).as_string();
    r.started_at = q.column(3).as_int64();
    r.started_by = q.column(4).as_string();
    if (!q.column(5).is_null()) {
        r.finished_at = q.column(5).as_int64();
    }
    r.finished_by = q.column(6).as_string();
    r.found = q.column(7).as_int64();
    r.missing = q.column(8).as_int64();
    r.unexpected = q.column(9).as_int64();
    r.seen = q.column(10).as_int64();
    return r;
}

std::optional<AuditRow> one_audit(Statement& q) {
    if (!q.step()) {
        return std::nullopt;
    }
    return read_audit(q);
}

} // namespace

std::int64_t insert_audit(Database& db, const std::string& location, std::int64_t at, const std::string& by) {
    Statement q(db, "INSERT INTO asset_audits (location, status, started_at, started_by) VALUES (?, 'open', ?, ?)");
    q.bind(1, location);
    q.bind(2, at);
    q.bind(3, by);
    q.exec();
    return db.last_insert_id();
}

std::optional<AuditRow> find_audit(Database& db, std::int64_t id) {
    Statement q(db, std::string(k_select) + " WHERE a.id = ?");
    q.bind(1, id);
    return one_audit(q);
}

std::optional<AuditRow> open_audit_at(Database& db, const std::string& location) {
    Statement q(db, std::string(k_select) + " WHERE a.location = ? AND a.status = 'open'");
    q.bind(1, location);
    return one_audit(q);
}

std::vector<AuditRow> select_audits(Database& db, bool open_only, const std::string& location, std::int64_t limit) {
    std::string sql = std::string(k_select) + " WHERE TRUE";
    if (open_only) {
        sql += " AND a.status = 'open'";
    }
    if (!location.empty()) {
        sql += " AND a.location = ?1";
    }
    sql += " ORDER BY a.id DESC LIMIT ?2";
    Statement q(db, sql);
    if (!location.empty()) {
        q.bind(1, location);
    }
    q.bind(2, limit > 0 ? limit : std::int64_t{1} << 62);
    std::vector<AuditRow> out;
    while (q.step()) {
        out.push_back(read_audit(q));
    }
    return out;
}

std::int64_t record_scans(Database& db, std::int64_t audit_id, const std::vector<std::string>& tags, std::int64_t at) {
    // One statement prepared once for the whole batch: a scanner's file may hold thousands.
    Statement q(db, "INSERT INTO asset_audit_items (audit_id, tag, state, scans, first_at) VALUES (?1, ?2, 'seen', 1, ?3) "
                    "ON CONFLICT (audit_id, tag) DO UPDATE SET scans = asset_audit_items.scans + 1");
    Statement known(db, "SELECT 1 FROM asset_audit_items WHERE audit_id = ? AND tag = ?");
    std::int64_t fresh = 0;
    for (const auto& tag : tags) {
        known.reset();
        known.bind(1, audit_id);
        known.bind(2, tag);
        fresh += known.step() ? 0 : 1;
        q.reset();
        q.bind(1, audit_id);
        q.bind(2, tag);
        q.bind(3, at);
        q.exec();
    }
    return fresh;
}

std::vector<ExpectedAsset> expected_at(Database& db, const std::string& location) {
    // What sits in an expected asset is expected with it (disks in a server, a projector in
    // a room), unless the register places it somewhere else itself.
    Statement q(db, R"sql(
WITH RECURSIVE here(tag) AS (
    SELECT tag FROM assets
     WHERE status <> 'disposed'
       AND (location = ?1 OR tag IN (SELECT c.tag FROM asset_custody c
                                      WHERE c.in_at IS NULL AND c.holder_kind = 'location' AND c.holder = ?1))
    UNION
    SELECT k.tag FROM assets k JOIN here h ON k.parent = h.tag
     WHERE k.status <> 'disposed' AND (k.location = '' OR k.location = ?1)
)
SELECT a.tag, a.location, coalesce(o.holder, ''), coalesce(o.holder_kind, '')
  FROM here h JOIN assets a ON a.tag = h.tag
  LEFT JOIN asset_custody o ON o.tag = a.tag AND o.in_at IS NULL
 ORDER BY a.tag)sql");
    q.bind(1, location);
    std::vector<ExpectedAsset> out;
    while (q.step()) {
        out.push_back({q.column(0).as_string(), q.column(1).as_string(), q.column(2).as_string(),
                       q.column(3).as_string()});
    }
    return out;
}

std::vector<RegisteredAsset> registered_of_scans(Database& db, std::int64_t audit_id) {
    Statement q(db, "SELECT a.tag, a.location, a.status FROM asset_audit_items i JOIN assets a ON a.tag = i.tag "
                    "WHERE i.audit_id = ? ORDER BY a.tag");
    q.bind(1, audit_id);
    std::vector<RegisteredAsset> out;
    while (q.step()) {
        out.push_back({q.column(0).as_string(), q.column(1).as_string(), q.column(2).as_string()});
    }
    return out;
}

void classify_item(Database& db, std::int64_t audit_id, const std::string& tag, const std::string& state,
                   const std::optional<std::string>& registered) {
    auto& q = db.cached("UPDATE asset_audit_items SET state = ?, registered = ? WHERE audit_id = ? AND tag = ?");
    q.reset();
    q.bind(1, state);
    if (registered) {
        q.bind(2, *registered);
    } else {
        q.bind(2);
    }
    q.bind(3, audit_id);
    q.bind(4, tag);
    q.exec();
}

void insert_unseen(Database& db, std::int64_t audit_id, const std::string& tag, const std::string& state,
                   const std::string& registered, const std::string& holder) {
    auto& q = db.cached("INSERT INTO asset_audit_items (audit_id, tag, state, scans, registered, holder) "
                        "VALUES (?, ?, ?, 0, ?, ?)");
    q.reset();
    q.bind(1, audit_id);
    q.bind(2, tag);
    q.bind(3, state);
    q.bind(4, registered);
    q.bind(5, holder);
    q.exec();
}

void finish_audit(Database& db, std::int64_t audit_id, std::int64_t at, const std::string& by, std::int64_t found,
                  std::int64_t missing, std::int64_t unexpected) {
    Statement q(db, "UPDATE asset_audits SET status = 'finished', finished_at = ?, finished_by = ?, found = ?, "
                    "missing = ?, unexpected = ? WHERE id = ? AND status = 'open'");
    q.bind(1, at);
    q.bind(2, by);
    q.bind(3, found);
    q.bind(4, missing);
    q.bind(5, unexpected);
    q.bind(6, audit_id);
    q.exec();
}

std::vector<AuditItemRow> audit_items(Database& db, std::int64_t audit_id, const std::string& state) {
    std::string sql = "SELECT i.tag, i.state, i.scans, i.first_at, i.registered, i.holder, coalesce(a.class, ''), "
                      "coalesce(a.name, ''), coalesce(a.owner, ''), "
                      "CASE WHEN a.tag IS NULL THEN 1 ELSE 0 END, coalesce(a.location, '') "
                      "FROM asset_audit_items i LEFT JOIN assets a ON a.tag = i.tag WHERE i.audit_id = ?1";
    if (!state.empty()) {
        sql += " AND i.state = ?2";
    }
    sql += " ORDER BY i.tag";
    Statement q(db, sql);
    q.bind(1, audit_id);
    if (!state.empty()) {
        q.bind(2, state);
    }
    std::vector<AuditItemRow> out;
    while (q.step()) {
        AuditItemRow r;
        r.tag = q.column(0).as_string();
        r.state = q.column(1).as_string();
        r.scans = q.column(2).as_int64();
        if (!q.column(3).is_null()) {
            r.first_at = q.column(3).as_int64();
        }
        if (!q.column(4).is_null()) {
            r.registered = q.column(4).as_string();
        } else if (r.state == "seen" && q.column(9).as_int64() == 0) {
            // While open: where the register has it now.
            r.registered = q.column(10).as_string();
        }
        r.holder = q.column(5).as_string();
        r.cls = q.column(6).as_string();
        r.name = q.column(7).as_string();
        r.owner = q.column(8).as_string();
        out.push_back(std::move(r));
    }
    return out;
}

std::optional<LastAudit> last_audit_of(Database& db, const std::string& tag) {
    Statement q(db, "SELECT a.id, a.finished_at, a.location, i.state FROM asset_audit_items i "
                    "JOIN asset_audits a ON a.id = i.audit_id WHERE i.tag = ? AND a.status = 'finished' "
                    "ORDER BY a.finished_at DESC, a.id DESC LIMIT 1");
    q.bind(1, tag);
    if (!q.step()) {
        return std::nullopt;
    }
    return LastAudit{q.column(0).as_int64(), q.column(1).as_int64(), q.column(2).as_string(), q.column(3).as_string()};
}

std::vector<LastSeen> last_seen(Database& db, const std::string& cls) {
    Statement q(db, "SELECT a.tag, a.name, a.owner, a.created_at, "
                    "(SELECT max(au.finished_at) FROM asset_audit_items i JOIN asset_audits au ON au.id = i.audit_id "
                    "  WHERE i.tag = a.tag AND i.state IN ('found', 'unexpected')) "
                    "FROM assets a WHERE a.class = ? AND a.status NOT IN ('retired', 'disposed') ORDER BY a.tag");
    q.bind(1, cls);
    std::vector<LastSeen> out;
    while (q.step()) {
        LastSeen l;
        l.tag = q.column(0).as_string();
        l.name = q.column(1).as_string();
        l.owner = q.column(2).as_string();
        l.created_at = q.column(3).as_int64();
        if (!q.column(4).is_null()) {
            l.last_at = q.column(4).as_int64();
        }
        out.push_back(std::move(l));
    }
    return out;
}

std::vector<MissingAsset> missing_between(Database& db, std::int64_t from, std::int64_t to) {
    if (!report_table_exists(db, "asset_audits")) {
        return {};
    }
    Statement q(db, "SELECT au.id, au.finished_at, au.location, i.tag, coalesce(a.name, ''), coalesce(a.owner, '') "
                    "FROM asset_audits au JOIN asset_audit_items i ON i.audit_id = au.id "
                    "LEFT JOIN assets a ON a.tag = i.tag "
                    "WHERE au.status = 'finished' AND au.finished_at >= ? AND au.finished_at < ? "
                    "AND i.state = 'missing' ORDER BY au.finished_at, au.id, i.tag");
    q.bind(1, from);
    q.bind(2, to);
    std::vector<MissingAsset> out;
    while (q.step()) {
        out.push_back({q.column(0).as_int64(), q.column(1).as_int64(), q.column(2).as_string(),
                       q.column(3).as_string(), q.column(4).as_string(), q.column(5).as_string()});
    }
    return out;
}

} // namespace opsctl::store
