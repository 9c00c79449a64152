#include "lib/core/error.hpp"
#include "lib/store/driver.hpp"
#include "lib/store/database.hpp"
#include "lib/store/events.hpp"
#include "lib/store/maintenance.hpp"
#include "lib/store/migrations.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

using namespace opsctl;
namespace fs = std::filesystem;

namespace {

struct TempDb {
    fs::path dir;
    fs::path path;
    TempDb() {
        dir = fs::temp_directory_path() / ("opsctl-db-test-" + std::to_string(::getpid()) + "-" +
                                           std::to_string(reinterpret_cast<std::uintptr_t>(this)));
        fs::create_directories(dir);
        path = dir / "sub" / "ops.db";
    }
    ~TempDb() { fs::remove_all(dir); }
};

store::Event sample_event(const std::string& id, const std::string& action) {
    store::Event e;
    e.at = 1790816400;
    e.actor = "zhangwei";
    e.entity = "ticket";
    e.entity_id = id;
    e.action = action;
    e.fields = {{"title", "数据库连接失败"}};
    return e;
}

} // namespace

TEST_CASE("a new database is created 0600, migrated to the newest schema") {
    TempDb t;
    auto db = store::Database::open(t.path);
    CHECK(db->schema_version() == store::current_schema_version());
    struct stat st {};
    REQUIRE(::stat(t.path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(db->connection().journal_mode() == "wal");
    CHECK(db->select_int64("PRAGMA foreign_keys") == 1);
    // Migration versions are 1, 2, 3, ... with no gaps.
    int expected = 1;
    for (const auto& m : store::migrations()) {
        CHECK(m.version == expected++);
    }
}

TEST_CASE("opening again does not migrate twice; a newer file is refused") {
    TempDb t;
    { auto db = store::Database::open(t.path); }
    { CHECK_NOTHROW(store::Database::open(t.path)); }
    {
        auto db = store::Database::open(t.path);
        db->connection().set_stamp(0, 999);
    }
    CHECK_THROWS_AS(store::Database::open(t.path), Failure);
}

TEST_CASE("a missing database is not created when creation is off") {
    TempDb t;
    store::OpenOptions o;
    o.create = false;
    CHECK_THROWS_AS(store::Database::open(t.path, o), NotFound);
    CHECK_FALSE(fs::exists(t.path));
}

TEST_CASE("a write transaction rolls back unless committed") {
    TempDb t;
    auto db = store::Database::open(t.path);
    {
        store::WriteTransaction tx(*db);
        store::record_event(*db, sample_event("1", "created"));
        // No commit: an exception or early return loses nothing half-written.
    }
    CHECK(db->select_int64("SELECT count(*) FROM events") == 0);
    {
        store::WriteTransaction tx(*db);
        store::record_event(*db, sample_event("1", "created"));
        tx.commit();
    }
    CHECK(db->select_int64("SELECT count(*) FROM events") == 1);
}

TEST_CASE("a shared read transaction shows a connection and its twin the same snapshot") {
    TempDb t;
    auto db = store::Database::open(t.path);
    auto writer = store::Database::open(t.path);
    auto twin = db->open_twin();
    auto count = [](store::Database& d) { return d.select_int64("SELECT count(*) FROM events"); };
    auto write = [&](const std::string& id) {
        store::WriteTransaction tx(*writer);
        store::record_event(*writer, sample_event(id, "created"));
        tx.commit();
    };
    write("1");
    {
        store::SharedReadTransaction snapshot(*db, *twin);
        // Written after the snapshot: neither connection sees it until the transaction ends.
        write("2");
        CHECK(count(*db) == 1);
        CHECK(count(*twin) == 1);
    }
    CHECK(count(*db) == 2);
    CHECK(count(*twin) == 2);
    // A twin is never a way to create or migrate a file.
    TempDb other;
    auto gone = store::Database::open(other.path);
    const auto path = other.path;
    fs::remove(path);
    CHECK_THROWS_AS(gone->open_twin(), NotFound);
}

TEST_CASE("events are hash-chained and tampering is found") {
    TempDb t;
    auto db = store::Database::open(t.path);
    {
        store::WriteTransaction tx(*db);
        for (int i = 1; i <= 5; ++i) {
            store::record_event(*db, sample_event(std::to_string(i), "created"));
        }
        tx.commit();
    }
    auto events = store::events_for(*db, "ticket", "3");
    REQUIRE(events.size() == 1);
    CHECK(events[0].fields["title"] == "数据库连接失败");
    CHECK(store::verify_event_chain(*db).rows == 5);
    CHECK_FALSE(store::verify_event_chain(*db).first_bad_id);

    SUBCASE("an altered row") {
        db->exec("UPDATE events SET actor = 'mallory' WHERE id = 3");
        const auto check = store::verify_event_chain(*db);
        REQUIRE(check.first_bad_id);
        CHECK(*check.first_bad_id == 3);
        CHECK(check.problem.find("altered") != std::string::npos);
    }
    SUBCASE("a removed row") {
        db->exec("DELETE FROM events WHERE id = 2");
        const auto check = store::verify_event_chain(*db);
        REQUIRE(check.first_bad_id);
        CHECK(*check.first_bad_id == 3);
    }
    SUBCASE("db check reports it") {
        db->exec("UPDATE events SET fields = '{}' WHERE id = 4");
        bool events_failed = false;
        for (const auto& f : store::check_database(*db, false)) {
            if (f.check == "events") {
                events_failed = !f.ok;
            }
        }
        CHECK(events_failed);
    }
}

TEST_CASE("the online backup is a consistent copy") {
    TempDb t;
    auto db = store::Database::open(t.path);
    {
        store::WriteTransaction tx(*db);
        store::record_event(*db, sample_event("1", "created"));
        tx.commit();
    }
    const fs::path copy = t.dir / "copy.db";
    CHECK(store::backup_database(*db, copy) > 0);
    auto restored = store::Database::open(copy);
    CHECK(restored->select_int64("SELECT count(*) FROM events") == 1);
    CHECK_FALSE(store::verify_event_chain(*restored).first_bad_id);
}
