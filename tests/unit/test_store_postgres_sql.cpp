// What the PostgreSQL driver does to SQL and URLs before any server sees them: SQLite's
// placeholders become $N, and a URL with a password is refused. No server needed.
#include <doctest/doctest.h>

#include "lib/store/driver.hpp"
#include "lib/store/location.hpp"

using namespace opsctl;
using store::driver::translate_placeholders;

TEST_CASE("postgres sql: SQLite placeholders become $N") {
    SUBCASE("? counts on from the largest number so far, as SQLite does") {
        const auto t = translate_placeholders("SELECT a FROM t WHERE b = ? AND c = ?3 AND d = ?");
        CHECK(t.text == "SELECT a FROM t WHERE b = $1 AND c = $3 AND d = $4");
        CHECK(t.parameters == 4);
        CHECK(t.used == std::vector<bool>{true, false, true, true}); // $2 is sent as text
    }
    SUBCASE("a name used twice is one parameter; parameter_index finds it") {
        const auto t = translate_placeholders("SELECT 1 WHERE instr(tag, :s) > 0 OR instr(name, :s) > 0 OR x = :other");
        CHECK(t.text == "SELECT 1 WHERE instr(tag, $1) > 0 OR instr(name, $1) > 0 OR x = $2");
        REQUIRE(t.names.size() == 2);
        CHECK(t.names[0] == std::pair<std::string, int>{":s", 1});
        CHECK(t.names[1] == std::pair<std::string, int>{":other", 2});
    }
    SUBCASE("literals, quoted names, comments and casts are left alone") {
        const auto t = translate_placeholders(
            "SELECT '?', 'it''s :x ?', \"we?ird\", x::text, ?::bigint -- what ? :y\n, /* ? */ ?2");
        CHECK(t.text == "SELECT '?', 'it''s :x ?', \"we?ird\", x::text, $1::bigint -- what ? :y\n, /* ? */ $2");
        CHECK(t.parameters == 2);
        CHECK(t.names.empty());
    }
    SUBCASE("a time in a literal and a colon after a word are no parameters") {
        const auto t = translate_placeholders("SELECT '10:30', a:b FROM t WHERE c = ?");
        CHECK(t.text == "SELECT '10:30', a:b FROM t WHERE c = $1");
    }
    SUBCASE("a LIMIT parameter reads a negative value as no limit, as SQLite does") {
        const auto t = translate_placeholders("SELECT id FROM t ORDER BY id limit ?2");
        CHECK(t.text == "SELECT id FROM t ORDER BY id limit NULLIF(GREATEST($2::bigint, -1), -1)");
        CHECK(translate_placeholders("SELECT sublimit ?").text == "SELECT sublimit $1");
    }
    SUBCASE("Chinese text around placeholders stays as it is") {
        const auto t = translate_placeholders("SELECT '数据库?' || ? AS 标题");
        CHECK(t.text == "SELECT '数据库?' || $1 AS 标题");
    }
}

TEST_CASE("postgres url: a password in the URL is refused, never echoed") {
    CHECK(store::is_database_url("postgresql://db.example/opsctl"));
    CHECK(store::is_database_url("postgres:///opsctl?host=/run/postgresql"));
    CHECK_FALSE(store::is_database_url("/var/lib/opsctl/opsctl.db"));
    CHECK_FALSE(store::is_database_url("postgresql:relative.db"));
    CHECK_FALSE(store::database_url_problem("postgresql://ops@db.example:5433/opsctl?sslmode=verify-full"));
    CHECK_FALSE(store::database_url_problem("postgresql:///opsctl?service=opsctl&passfile=/etc/opsctl/pgpass"));
    for (const char* url : {"postgresql://ops:s3cret@db.example/opsctl", "postgresql://:s3cret@db/x",
                            "postgres:///x?password=s3cret", "postgres:///x?host=/tmp&pass%77ord=s3cret",
                            "postgresql:///x?sslpassword=s3cret"}) {
        CAPTURE(url);
        const auto problem = store::database_url_problem(url);
        REQUIRE(problem);
        CHECK(problem->find("password") != std::string::npos);
        CHECK(problem->find("s3cret") == std::string::npos);
    }
    // The colon of a port is no password; a control character is refused too.
    CHECK_FALSE(store::database_url_problem("postgresql://ops@db.example:5432/x"));
    CHECK(store::database_url_problem("postgresql:///x?host=/tmp\n"));
}
