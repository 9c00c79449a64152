// Looking after the database through the driver's hooks: facts for `db info`, the
// engine's integrity and foreign-key checks, a busy database as Busy (exit 75), a
// constraint failure as a Failure naming the database.
#include "lib/core/error.hpp"
#include "lib/store/driver.hpp"
#include "lib/store/failure.hpp"
#include "lib/store/maintenance.hpp"
#include "lib/store/ticket_repo.hpp"
#include "test_store_fixture.hpp"

#include <doctest/doctest.h>

#include <set>

#include <cstdlib>

using namespace opsctl;

namespace {

const store::CheckFinding& finding(const std::vector<store::CheckFinding>& all, const std::string& check) {
    for (const auto& f : all) {
        if (f.check == check) {
            return f;
        }
    }
    FAIL("no finding " << check);
    return all.front();
}

} // namespace

TEST_CASE("store maintenance: db info names every table with its rows, not the search index's own") {
    auto t = test::open_test_database();
    auto& db = **t;
    {
        store::WriteTransaction tx(db);
        store::TicketRow r;
        r.type = "incident";
        r.priority = "P2";
        r.status = "new";
        r.title = "one";
        store::insert_ticket(db, r);
        tx.commit();
    }
    const auto info = store::database_info(db);
    CHECK(info.schema_version == store::current_schema_version());
    CHECK(info.journal_mode == (db.is_postgres() ? "postgresql" : "wal"));
    bool tickets = false;
    for (const auto& [table, rows] : info.row_counts) {
        CHECK(table.find("_fts") == std::string::npos);
        CHECK(table.find("opsctl_") == std::string::npos); // PostgreSQL: the driver's tables
        if (table == "tickets") {
            tickets = true;
            CHECK(rows == 1);
        }
    }
    CHECK(tickets);
    CHECK(db.connection().has_table("tickets"));
    CHECK_FALSE(db.connection().has_table("no_such_table"));
}

TEST_CASE("store maintenance: db check runs the engine's checks and finds a dangling row") {
    auto t = test::open_test_database();
    auto& db = **t;
    auto all = store::check_database(db, false);
    CHECK(finding(all, "integrity").ok);
    CHECK(finding(all, "foreign_keys").ok);
    if (db.is_postgres()) {
        // The server enforces foreign keys at every commit: a dangling row is never written.
        CHECK_THROWS_AS(db.exec("INSERT INTO ticket_comments (ticket_id, at, author, body) VALUES (42, 1, 'x', 'y')"),
                        store::DatabaseError);
        return;
    }
    db.exec("PRAGMA foreign_keys = OFF");
    db.exec("INSERT INTO ticket_comments (ticket_id, at, author, body) VALUES (42, 1, 'x', 'y')");
    all = store::check_database(db, false);
    const auto& fk = finding(all, "foreign_keys");
    CHECK_FALSE(fk.ok);
    CHECK(fk.detail.find("'ticket_comments' points to a missing row of 'tickets'") != std::string::npos);
}

TEST_CASE("store driver errors: busy is Busy, a constraint is a Failure naming the database") {
    auto t = test::open_test_database();
    auto& db = **t;
    store::OpenOptions quick;
    quick.busy_timeout_ms = 0;
    // The environment's timeout would win over the options': none for this open.
    const char* env = std::getenv("OPSCTL_BUSY_TIMEOUT");
    const std::string saved = env ? env : "";
    ::unsetenv("OPSCTL_BUSY_TIMEOUT");
    auto other = store::Database::open(t->location(), quick);
    if (env) {
        ::setenv("OPSCTL_BUSY_TIMEOUT", saved.c_str(), 1);
    }
    store::WriteTransaction holder(db);
    try {
        store::WriteTransaction tx(*other);
        FAIL("a second writer took the lock");
    } catch (const Error& e) {
        CHECK(e.status() == exit_code::k_busy); // exit 75
    }
    // SQLite locks the file for any write; PostgreSQL serialises write transactions on a row
    // (a lone statement outside one, which opsctl never runs, is not held off).
    if (!db.is_postgres()) {
        try {
            store::Statement q(*other, "INSERT INTO meta (key, value) VALUES ('k', 'v')");
            q.exec();
            FAIL("a write went past the lock");
        } catch (const store::DatabaseError& e) {
            CHECK(e.kind() == store::DatabaseError::Kind::busy);
            const auto error = store::database_failure(e, "ops.db");
            REQUIRE(error);
            CHECK(error->status() == exit_code::k_busy);
        }
    }
    holder.commit();

    store::WriteTransaction tx(db);
    db.exec("INSERT INTO meta (key, value) VALUES ('k', 'v')");
    try {
        db.exec("INSERT INTO meta (key, value) VALUES ('k', 'w')");
        FAIL("a second key 'k' was stored");
    } catch (const store::DatabaseError& e) {
        CHECK(e.kind() == store::DatabaseError::Kind::constraint);
        const auto error = store::database_failure(e, "ops.db");
        REQUIRE(error);
        CHECK(error->status() == exit_code::k_failed);
        // The engine's own words: SQLite's "UNIQUE constraint failed", PostgreSQL's
        // "duplicate key value violates unique constraint".
        CHECK(std::string(error->what()).find(db.is_postgres() ? "database 'ops.db': duplicate key value"
                                                               : "database 'ops.db': UNIQUE constraint failed") == 0);
    }
    CHECK_FALSE(store::database_failure(std::runtime_error("other")).has_value());
}

TEST_CASE("store driver: on PostgreSQL, every table with a generated id returns it from its INSERT") {
    auto t = test::open_test_database();
    auto& db = **t;
    if (!db.is_postgres()) {
        return;
    }
    std::set<std::string> schema;
    store::Statement q(db, "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() "
                           "AND column_name = 'id' AND (is_identity = 'YES' OR table_name = 'tickets')");
    while (q.step()) {
        schema.insert(q.column(0).as_string());
    }
    std::set<std::string> driver;
    for (const char* name : store::driver::postgres_generated_id_tables()) {
        driver.insert(name);
    }
    CHECK(schema == driver);
}
