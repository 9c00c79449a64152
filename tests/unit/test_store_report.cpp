// The review's queries (lib/store/report_*.cpp) through the driver interface, on a few
// hand-counted rows: the counts that use FILTER, the subqueries with their aliases.
#include "lib/store/backup_repo.hpp"
#include "lib/store/inspect_repo.hpp"
#include "lib/store/report_backup.hpp"
#include "lib/store/report_inspect.hpp"
#include "lib/store/report_tickets.hpp"
#include "lib/store/report_trends.hpp"
#include "lib/store/ticket_repo.hpp"
#include "test_store_fixture.hpp"

#include <doctest/doctest.h>

using namespace opsctl;

namespace {

constexpr std::int64_t k_start = 1790784000; // a month's start
constexpr std::int64_t k_end = k_start + 31 * 86400;

std::int64_t add_ticket(store::Database& db, const std::string& type, std::int64_t created,
                        std::optional<std::int64_t> closed, const std::string& asset = {}) {
    store::TicketRow r;
    r.type = type;
    r.priority = "P2";
    r.status = closed ? "closed" : "new";
    r.is_open = !closed;
    r.title = type;
    r.created_at = r.updated_at = created;
    r.closed_at = closed;
    if (!asset.empty()) {
        r.asset = asset;
    }
    r.response_due_at = created + 3600;
    r.responded_at = type == "incident" ? std::optional<std::int64_t>(created + 60) : std::nullopt;
    return store::insert_ticket(db, r);
}

} // namespace

TEST_CASE("store report: ticket counts open at the period's end, the backlog, the trend") {
    auto t = test::open_test_database();
    auto& db = **t;
    {
        store::WriteTransaction tx(db);
        add_ticket(db, "incident", k_start + 10, std::nullopt, "SRV-001");
        add_ticket(db, "incident", k_start + 20, k_start + 100, "SRV-001");
        add_ticket(db, "incident", k_start + 30, k_end + 100, "SRV-001"); // closed after the end: open then
        add_ticket(db, "request", k_start + 40, std::nullopt, "SRV-001");
        tx.commit();
    }
    const store::ReportPeriod p{k_start, k_end};
    const auto assets = store::top_incident_assets(db, p, {"incident"}, 10);
    REQUIRE(assets.size() == 1);
    CHECK(assets[0].name == "SRV-001");
    CHECK(assets[0].count == 3);
    CHECK(assets[0].open == 2);
    const auto complaints = store::complaints_by_type(db, p, {"request"});
    REQUIRE(complaints.size() == 1);
    CHECK(complaints[0].count == 1);
    CHECK(complaints[0].open == 1);

    std::int64_t open_at_end = 0;
    for (const auto& bucket : store::backlog_by_age(db, p)) {
        open_at_end += bucket.count;
    }
    CHECK(open_at_end == 3);

    const auto months = store::ticket_trend_months(db, {k_start, k_end});
    REQUIRE(months.size() == 1);
    CHECK(months[0].opened == 4);
    CHECK(months[0].closed == 1);
    CHECK(months[0].response_due == 4);
    CHECK(months[0].response_met == 3);
    CHECK(store::ticket_backlog_at(db, k_end) == 3);
}

TEST_CASE("store report: backup runs per job, successes verified before the end") {
    auto t = test::open_test_database();
    auto& db = **t;
    {
        store::WriteTransaction tx(db);
        for (int i = 0; i < 3; ++i) {
            const auto id = store::insert_backup_run(db, "etc", "archive", k_start + i * 86400, "cron");
            if (i == 2) {
                store::fail_backup_run(db, id, k_start + i * 86400 + 60, "disk full");
                continue;
            }
            store::BackupRunRow run = *store::find_backup_run(db, id);
            run.status = "success";
            run.finished_at = run.started_at + 60;
            store::finish_backup_run(db, run);
            if (i == 0) {
                store::insert_backup_verification(db, {0, id, k_start + 3600, true, false, "ok"});
            }
            if (i == 1) {
                store::insert_backup_verification(db, {0, id, k_end + 3600, true, false, "ok"}); // too late
            }
        }
        tx.commit();
    }
    const auto jobs = store::backup_runs_by_job(db, {k_start, k_end});
    REQUIRE(jobs.size() == 1);
    CHECK(jobs[0].runs == 3);
    CHECK(jobs[0].success == 2);
    CHECK(jobs[0].failed == 1);
    CHECK(jobs[0].verified == 1);
}

TEST_CASE("store report: the most failed inspection items, and whether they still fail") {
    auto t = test::open_test_database();
    auto& db = **t;
    {
        store::WriteTransaction tx(db);
        for (int i = 0; i < 3; ++i) {
            store::InspectRunRow run;
            run.checklist = "daily";
            run.started_at = k_start + i * 86400;
            run.finished_at = run.started_at + 10;
            run.actor = "cron";
            store::InspectResultRow r;
            r.item = "disk";
            r.kind = "disk";
            r.target = "host-01";
            r.status = i < 2 ? 2 : 0; // failed twice, then fixed
            std::vector<store::InspectResultRow> results = {r};
            r.target = "host-02";
            r.status = 1; // failing throughout
            results.push_back(r);
            store::insert_inspect_run(db, run, results);
        }
        tx.commit();
    }
    const auto items = store::most_failed_items(db, {k_start, k_end}, 10);
    REQUIRE(items.size() == 1);
    CHECK(items[0].item == "disk");
    CHECK(items[0].failures == 5);
    CHECK(items[0].targets == 2);
    CHECK(items[0].still_failing == 1);
}
