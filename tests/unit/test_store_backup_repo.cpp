// The backup repository through the driver interface: runs from start to finish or
// failure, the newest verification joined onto a run, restores and prunes.
#include "lib/store/backup_repo.hpp"
#include "test_store_fixture.hpp"

#include <doctest/doctest.h>

using namespace opsctl;

TEST_CASE("store backup_repo: a run from start to finish, with its verifications") {
    auto t = test::open_test_database();
    auto& db = **t;
    store::WriteTransaction tx(db);
    const auto id = store::insert_backup_run(db, "etc", "archive", 1790816400, "cron");
    auto running = store::find_backup_run(db, id);
    REQUIRE(running);
    CHECK(running->status == "running");
    CHECK_FALSE(running->finished_at.has_value());
    CHECK(store::live_backup_runs(db, "etc").empty()); // not finished: nothing to restore from

    store::BackupRunRow done = *running;
    done.status = "success";
    done.finished_at = 1790816460;
    done.size_bytes = 123456789012; // past 32 bits
    done.files = 42;
    done.sha256 = std::string(64, 'a');
    done.path = "/srv/backup/etc-1.tar.zst";
    done.captured = R"({"rows":"12"})";
    store::finish_backup_run(db, done);
    const auto got = store::find_backup_run(db, id);
    REQUIRE(got);
    CHECK(got->status == "success");
    CHECK(got->size_bytes == std::optional<std::int64_t>(123456789012));
    CHECK(got->captured == done.captured);
    CHECK_FALSE(got->verified_at.has_value());

    store::insert_backup_verification(db, {0, id, 1790816500, false, false, "checksum differs"});
    store::insert_backup_verification(db, {0, id, 1790816600, true, true, "ok"});
    const auto verified = store::find_backup_run(db, id);
    CHECK(verified->verified_at == std::optional<std::int64_t>(1790816600));
    CHECK(verified->verified_ok == std::optional<bool>(true));
    CHECK(verified->verified_deep == std::optional<bool>(true));
    CHECK(store::backup_verifications_for(db, id).size() == 2);
    CHECK(store::last_backup_verification(db, "etc")->at == 1790816600);
    CHECK(store::last_ok_backup_verification(db, "etc")->detail == "ok");
    CHECK_FALSE(store::last_backup_verification(db, "home").has_value());

    CHECK(store::live_backup_runs(db, "etc").size() == 1);
    CHECK(store::last_finished_backup_run(db, "etc")->id == id);
    store::insert_backup_restore(db, {0, id, 1790816700, 1500, true, "/tmp/r", 42, "", "lisi"});
    CHECK(store::backup_restores_for(db, id).size() == 1);
    store::insert_backup_prune(db, {0, id, 1790816800, done.path, *done.size_bytes, "cron"});
    store::mark_backup_run_pruned(db, id, 1790816800);
    CHECK(store::live_backup_runs(db, "etc").empty());
    tx.commit();
}

TEST_CASE("store backup_repo: failed and stranded runs, lists per job") {
    auto t = test::open_test_database();
    auto& db = **t;
    store::WriteTransaction tx(db);
    const auto a = store::insert_backup_run(db, "etc", "archive", 1790816400, "cron");
    const auto b = store::insert_backup_run(db, "etc", "archive", 1790816500, "cron");
    const auto c = store::insert_backup_run(db, "home", "archive", 1790816600, "cron");
    store::fail_backup_run(db, a, 1790816450, "disk full");
    CHECK(store::find_backup_run(db, a)->error == "disk full");
    CHECK(store::fail_running_backup_runs(db, "etc", 1790817000, "stranded") == std::vector<std::int64_t>{b});
    CHECK(store::find_backup_run(db, b)->status == "failed");
    CHECK(store::find_backup_run(db, c)->status == "running");
    CHECK(store::list_backup_runs(db, std::nullopt).size() == 3);
    CHECK(store::list_backup_runs(db, std::string("etc")).size() == 2);
    CHECK(store::list_backup_runs(db, std::nullopt, 1).size() == 1);
    CHECK_FALSE(store::find_backup_run(db, 999).has_value());
    tx.commit();
}
