// The inspection repository through the driver interface: a run and its results, the
// latest results, manual answers that re-rank the run, log positions.
#include "lib/store/inspect_repo.hpp"
#include "test_store_fixture.hpp"

#include <doctest/doctest.h>

using namespace opsctl;

namespace {

store::InspectResultRow result(const std::string& item, const std::string& target, std::optional<int> status) {
    store::InspectResultRow r;
    r.item = item;
    r.kind = "disk";
    r.target = target;
    r.status = status;
    r.message = "磁盘 80% used";
    r.duration_ms = 12;
    return r;
}

} // namespace

TEST_CASE("store inspect_repo: a run and its results, answers and latest results") {
    auto t = test::open_test_database();
    auto& db = **t;
    store::WriteTransaction tx(db);
    store::InspectRunRow run;
    run.checklist = "daily";
    run.started_at = 1790816400;
    run.finished_at = 1790816420;
    run.status = 1;
    run.target_count = 2;
    run.item_count = 3;
    run.pending_count = 1;
    run.actor = "cron";
    std::vector<store::InspectResultRow> results = {result("disk", "host-01", 0), result("disk", "host-02", 1),
                                                    result("ups", "room-1", std::nullopt)};
    const auto id = store::insert_inspect_run(db, run, results);
    CHECK(results[2].run_id == id);
    CHECK(results[2].id == results[1].id + 1);

    const auto got = store::find_inspect_run(db, id);
    REQUIRE(got);
    CHECK(got->status == 1);
    CHECK(got->pending_count == 1);
    const auto rows = store::inspect_results_of_run(db, id);
    REQUIRE(rows.size() == 3);
    CHECK_FALSE(rows[2].status.has_value());
    CHECK_FALSE(rows[0].recorded_at.has_value());
    CHECK(rows[0].message == "磁盘 80% used");

    CHECK(store::pending_inspect_results(db, 10).total == 1);
    CHECK(store::failing_inspect_results(db, 10).total == 1);
    // A manual answer of CRITICAL (2) outranks the WARNING (1) and closes the pending item.
    store::answer_inspect_result(db, results[2].id, 2, "on battery", "called facilities", 1790816500, "lisi");
    const auto after = store::find_inspect_run(db, id);
    CHECK(after->status == 2);
    CHECK(after->pending_count == 0);
    CHECK(store::pending_inspect_results(db, 10).total == 0);
    CHECK(store::inspect_results_of_run(db, id)[2].recorded_by == "lisi");

    CHECK(store::latest_inspect_results(db, "daily", "", std::nullopt).size() == 3);
    CHECK(store::latest_inspect_results(db, "daily", "host-02", std::nullopt).size() == 1);
    CHECK(store::latest_inspect_results(db, "daily", "", 2).size() == 1);
    CHECK(store::inspect_results_for_target(db, "host-01", 10).size() == 1);

    store::InspectRunFilter f;
    f.checklist = "daily";
    CHECK(store::list_inspect_runs(db, f).size() == 1);
    f.checklist = "weekly";
    CHECK(store::list_inspect_runs(db, f).empty());
    CHECK(store::last_inspect_runs(db).at("daily").id == id);
    tx.commit();
}

TEST_CASE("store inspect_repo: log positions are saved and read back per checklist") {
    auto t = test::open_test_database();
    auto& db = **t;
    store::WriteTransaction tx(db);
    std::map<store::LogPositionKey, store::LogPosition> positions;
    positions[{"daily", "syslog", "host-01", "/var/log/syslog"}] = {1234, 5000000000, 6000000000};
    store::save_log_positions(db, positions, 1790816400);
    positions[{"daily", "syslog", "host-01", "/var/log/syslog"}].offset = 5000000100; // saved again: replaced
    store::save_log_positions(db, positions, 1790816500);
    const auto got = store::load_log_positions(db, "daily");
    REQUIRE(got.size() == 1);
    CHECK(got.begin()->second.offset == 5000000100);
    CHECK(got.begin()->second.inode == 1234);
    CHECK(store::load_log_positions(db, "weekly").empty());
    tx.commit();
}
