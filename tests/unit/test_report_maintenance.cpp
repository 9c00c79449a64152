#include "lib/report/asset_register.hpp"
#include "lib/store/database.hpp"
#include "lib/store/report_asset.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <unistd.h>

using namespace opsctl;
namespace fs = std::filesystem;

namespace {

struct TempDb {
    fs::path dir;
    std::unique_ptr<store::Database> db;
    TempDb() {
        dir = fs::temp_directory_path() / ("opsctl-report-maint-" + std::to_string(::getpid()));
        fs::create_directories(dir);
        db = store::Database::open(dir / "ops.db");
    }
    ~TempDb() {
        db.reset();
        fs::remove_all(dir);
    }
};

// The definition AssetRegister::due() counts by, one asset at a time: in service at the end,
// and its last maintenance of the kind before the start (else its registration) at or before
// the cutoff; done when also maintained in the period.
report::MaintenanceDue by_definition(store::Database& db, const std::string& cls, const std::string& kind,
                                    const store::ReportPeriod& p, std::int64_t cutoff) {
    store::Statement q(db, R"sql(
SELECT COUNT(*), COALESCE(SUM(EXISTS (SELECT 1 FROM asset_maintenance m WHERE m.tag = a.tag AND m.kind = ?4
                                       AND m.at >= ?1 AND m.at < ?2)), 0)
FROM assets a WHERE a.class = ?3 AND created_at < ?2 AND (retired_at IS NULL OR retired_at >= ?2)
  AND (disposed_at IS NULL OR disposed_at >= ?2)
  AND COALESCE((SELECT MAX(m.at) FROM asset_maintenance m WHERE m.tag = a.tag AND m.kind = ?4 AND m.at < ?1),
               a.created_at) <= ?5)sql");
    q.bind(1, static_cast<std::int64_t>(p.start));
    q.bind(2, static_cast<std::int64_t>(p.end));
    q.bind(3, cls);
    q.bind(4, kind);
    q.bind(5, static_cast<std::int64_t>(cutoff));
    q.step();
    return {q.column(0).as_int64(), q.column(1).as_int64()};
}

void add_asset(store::Database& db, const std::string& tag, const std::string& cls, std::int64_t created,
               std::optional<std::int64_t> retired = std::nullopt) {
    store::Statement q(db, "INSERT INTO assets (tag, class, name, status, created_at, updated_at, retired_at) "
                                  "VALUES (?1, ?2, ?1, ?3, ?4, ?4, ?5)");
    q.bind(1, tag);
    q.bind(2, cls);
    q.bind(3, retired ? "retired" : "in_use");
    q.bind(4, static_cast<std::int64_t>(created));
    if (retired) {
        q.bind(5, static_cast<std::int64_t>(*retired));
    }
    q.exec();
}

void add_maintenance(store::Database& db, const std::string& tag, const std::string& kind, std::int64_t at) {
    store::Statement q(db, "INSERT INTO asset_maintenance (tag, kind, at, note, actor, created_at) "
                                  "VALUES (?1, ?2, ?3, '', 'zhangwei', ?3)");
    q.bind(1, tag);
    q.bind(2, kind);
    q.bind(3, static_cast<std::int64_t>(at));
    q.exec();
}

} // namespace

TEST_CASE("maintenance due and done count what the per-asset definition counts") {
    TempDb t;
    auto& db = *t.db;
    constexpr std::int64_t day = 86400;
    constexpr std::int64_t start = 100 * day; // the period: days 100 .. 130
    constexpr std::int64_t end = 130 * day;
    // Each asset one case: registered before or after the cutoffs, never maintained,
    // maintained before or after a cutoff, in the period, after it, of the other kind,
    // before its registration; retired in or after the period; another class.
    add_asset(db, "S-01", "server", 10 * day);                    // never maintained
    add_asset(db, "S-02", "server", 10 * day);                    // old check only
    add_maintenance(db, "S-02", "check", 20 * day);
    add_asset(db, "S-03", "server", 10 * day);                    // recent check before the period
    add_maintenance(db, "S-03", "check", 95 * day);
    add_asset(db, "S-04", "server", 10 * day);                    // old check, done in the period
    add_maintenance(db, "S-04", "check", 20 * day);
    add_maintenance(db, "S-04", "check", 110 * day);
    add_asset(db, "S-05", "server", 10 * day);                    // recent check, and in the period
    add_maintenance(db, "S-05", "check", 98 * day);
    add_maintenance(db, "S-05", "check", 105 * day);
    add_asset(db, "S-06", "server", 97 * day);                    // registered recently, never maintained
    add_asset(db, "S-07", "server", 97 * day);                    // registered recently, checked before it
    add_maintenance(db, "S-07", "check", 5 * day);
    add_asset(db, "S-08", "server", 125 * day);                   // registered in the period
    add_maintenance(db, "S-08", "check", 126 * day);
    add_asset(db, "S-09", "server", 10 * day, 120 * day);         // retired in the period
    add_asset(db, "S-10", "server", 10 * day, 140 * day);         // retired after it
    add_maintenance(db, "S-10", "check", 115 * day);
    add_asset(db, "S-11", "server", 10 * day);                    // cleaned only, and after the period
    add_maintenance(db, "S-11", "clean", 50 * day);
    add_maintenance(db, "S-11", "check", 135 * day);
    add_asset(db, "S-12", "server", 10 * day);                    // checked exactly at the cutoffs
    add_maintenance(db, "S-12", "check", 93 * day);
    add_maintenance(db, "S-12", "check", 100 * day);
    add_asset(db, "P-01", "pc", 10 * day);                        // another class

    const store::ReportPeriod p{start, end};
    report::AssetRegister reg(db);
    for (const std::string kind : {"check", "clean"}) {
        for (const std::int64_t cutoff : {0 * day, 50 * day, 93 * day, 96 * day, 99 * day, 100 * day, 123 * day,
                                          130 * day}) {
            CAPTURE(kind);
            CAPTURE(cutoff / day);
            const auto want = by_definition(db, "server", kind, p, cutoff);
            const auto got = reg.due("server", kind, p, cutoff);
            // The same with the kind's records read from an earlier instant.
            report::AssetRegister early(db);
            early.load(kind, -1000 * day);
            const auto from_early = early.due("server", kind, p, cutoff);
            CHECK(got.due == want.due);
            CHECK(got.done == want.done);
            CHECK(from_early.due == want.due);
            CHECK(from_early.done == want.done);
        }
    }
    // Worked by hand for a cutoff of day 123: due are S-01, S-02, S-03, S-04, S-05, S-06,
    // S-07 (last before the period, else registration, at or before day 123), S-10 and S-11
    // (never checked before the period, registered day 10) and S-12 (day 93); not S-08
    // (registered day 125), S-09 (retired day 120) or P-01 (a pc).
    const auto week = report::AssetRegister(db).due("server", "check", p, 123 * day);
    CHECK(week.due == 10);
    // Checked in the period among them: S-04 (day 110), S-05 (105), S-10 (115), S-12 (100).
    CHECK(week.done == 4);
}

TEST_CASE("maintenance overdue now is counted and listed as the per-asset definition has it") {
    TempDb t;
    auto& db = *t.db;
    constexpr std::int64_t day = 86400;
    // The newest maintenance of the kind (else the registration), one asset at a time.
    auto newest = [&](const std::string& kind) {
        store::Statement q(
            db, "SELECT a.tag, COALESCE((SELECT MAX(m.at) FROM asset_maintenance m "
                "WHERE m.tag = a.tag AND m.kind = ?1), a.created_at) AS x FROM assets a "
                "WHERE a.class = 'server' AND a.status NOT IN ('retired', 'disposed') "
                "ORDER BY x, a.tag");
        q.bind(1, kind);
        std::vector<std::pair<std::int64_t, std::string>> out;
        while (q.step()) {
            out.emplace_back(q.column(1).as_int64(), q.column(0).as_string());
        }
        return out;
    };
    add_asset(db, "S-01", "server", 10 * day); // never maintained
    add_asset(db, "S-02", "server", 10 * day); // checked twice
    add_maintenance(db, "S-02", "check", 20 * day);
    add_maintenance(db, "S-02", "check", 60 * day);
    add_asset(db, "S-03", "server", 50 * day); // two checks at the same instant
    add_maintenance(db, "S-03", "check", 40 * day);
    add_maintenance(db, "S-03", "check", 40 * day);
    add_asset(db, "S-04", "server", 10 * day); // cleaned only
    add_maintenance(db, "S-04", "clean", 70 * day);
    add_asset(db, "S-05", "server", 30 * day, 80 * day); // retired
    add_asset(db, "S-06", "server", 90 * day);           // registered late, checked later still
    add_maintenance(db, "S-06", "check", 95 * day);
    add_asset(db, "P-01", "pc", 10 * day); // another class
    for (const std::string kind : {"check", "clean"}) {
        const auto all = newest(kind);
        for (const std::int64_t bound :
             {0 * day, 10 * day, 20 * day, 40 * day, 50 * day, 60 * day, 95 * day, 200 * day}) {
            CAPTURE(kind);
            CAPTURE(bound / day);
            std::int64_t want = 0;
            for (const auto& [x, tag] : all) {
                want += x <= bound ? 1 : 0;
            }
            // Another class sharing the kind, with its own bound, does not change the count.
            report::AssetRegister reg(db);
            CHECK(reg.maintained_by("server", kind, bound) == want);
            CHECK(reg.maintained_by("pc", kind, 5 * day) == 0);
            std::vector<std::pair<std::int64_t, std::string>> seen;
            store::visit_maintained_between(
                db, "server", kind, 10 * day, bound, [&](const store::AssetLastMaintenance& a) {
                    seen.emplace_back(a.last_at.value_or(a.created_at), std::string(a.tag));
                    return true;
                });
            std::vector<std::pair<std::int64_t, std::string>> expected;
            for (const auto& row : all) {
                if (row.first >= 10 * day && row.first <= bound) {
                    expected.push_back(row);
                }
            }
            CHECK(seen == expected);
        }
    }
    // By hand, checks: S-03 at day 40 (once, not twice), S-02 at 60, S-06 at 95; S-01 and S-04
    // from their registration on day 10; S-05 retired, P-01 a pc.
    report::AssetRegister reg(db);
    CHECK(reg.maintained_by("pc", "check", 10 * day) == 1);
    CHECK(reg.maintained_by("server", "check", 50 * day) == 3);
    std::vector<std::string> first_two;
    store::visit_maintained_between(db, "server", "check", 0, 200 * day,
                                    [&](const store::AssetLastMaintenance& a) {
                                        first_two.emplace_back(a.tag);
                                        return first_two.size() < 2;
                                    });
    CHECK(first_two == std::vector<std::string>{"S-01", "S-04"});
}
