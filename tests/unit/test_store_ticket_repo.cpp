// The ticket repository through the driver interface: rows round-trip, queries filter and
// sort, links and escalations are idempotent, the bulk writer and the search index agree.
#include "lib/core/error.hpp"
#include "lib/store/driver.hpp"
#include "lib/store/ticket_repo.hpp"
#include "test_store_fixture.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

using namespace opsctl;

namespace {

store::TicketRow ticket(const std::string& title, const std::string& priority = "P3") {
    store::TicketRow r;
    r.type = "incident";
    r.priority = priority;
    r.status = "new";
    r.title = title;
    r.body = "数据库连接失败 at 09:00";
    r.created_at = 1790816400;
    r.updated_at = 1790816400;
    return r;
}

} // namespace

TEST_CASE("store ticket_repo: a ticket round-trips every column, NULLs included") {
    auto t = test::open_test_database();
    auto& db = **t;
    store::WriteTransaction tx(db);
    store::TicketRow r = ticket("VPN down");
    r.team = "network";
    r.assignee = "lisi";
    r.responded_at = 1790816500;
    r.response_target_secs = 3600;
    r.response_breached = true;
    r.satisfaction = 4;
    r.complaint_type = "slow";
    const std::int64_t id = store::insert_ticket(db, r);
    CHECK(id == 1);
    const auto got = store::find_ticket(db, id);
    REQUIRE(got);
    CHECK(got->title == "VPN down");
    CHECK(got->body == r.body);
    CHECK(got->team == std::optional<std::string>("network"));
    CHECK_FALSE(got->asset.has_value());
    CHECK_FALSE(got->resolved_at.has_value());
    CHECK(got->responded_at == std::optional<std::int64_t>(1790816500));
    CHECK(got->response_breached);
    CHECK_FALSE(got->resolution_breached);
    CHECK(got->satisfaction == std::optional<std::int64_t>(4));
    CHECK(got->sla_order == store::k_no_due);

    auto changed = *got;
    changed.status = "resolved";
    changed.is_open = false;
    changed.assignee.reset();
    changed.resolved_at = 1790820000;
    store::save_ticket(db, changed);
    const auto again = store::find_ticket(db, id);
    REQUIRE(again);
    CHECK(again->status == "resolved");
    CHECK_FALSE(again->is_open);
    CHECK_FALSE(again->assignee.has_value());
    CHECK(again->resolved_at == std::optional<std::int64_t>(1790820000));
    CHECK_FALSE(store::find_ticket(db, 99).has_value());
    CHECK(store::ticket_exists(db, id));
    CHECK_FALSE(store::ticket_exists(db, 99));
    CHECK(store::max_ticket_id(db) == id);
    tx.commit();
}

TEST_CASE("store ticket_repo: queries filter, search and sort") {
    auto t = test::open_test_database();
    auto& db = **t;
    store::WriteTransaction tx(db);
    auto a = ticket("printer jam on floor 3", "P2");
    a.assignee = "lisi";
    a.source = "mail:1";
    const auto id_a = store::insert_ticket(db, a);
    auto b = ticket("disk full", "P1");
    b.assignee = "lisi";
    b.created_at += 60;
    const auto id_b = store::insert_ticket(db, b);
    auto c = ticket("password reset", "P4");
    c.is_open = false;
    c.status = "closed";
    c.created_at += 120;
    const auto id_c = store::insert_ticket(db, c);

    SUBCASE("open and closed") {
        store::TicketQuery q;
        q.open = true;
        q.sort = "id";
        const auto open = store::query_tickets(db, q);
        REQUIRE(open.size() == 2);
        CHECK(open[0].id == id_a);
        CHECK(open[1].id == id_b);
        q.open = false;
        CHECK(store::query_tickets(db, q).size() == 1);
        CHECK(store::open_ticket_ids(db) == std::vector<std::int64_t>{id_a, id_b});
    }
    SUBCASE("IN lists, a time window, a limit, the listing columns") {
        store::TicketQuery q;
        q.priorities = {"P1", "P4"};
        q.sort = "created";
        auto rows = store::query_tickets(db, q);
        REQUIRE(rows.size() == 2);
        CHECK(rows[0].id == id_c); // newest first
        q.priorities.clear();
        q.since = a.created_at + 1;
        q.until = a.created_at + 100;
        q.listing = true;
        rows = store::query_tickets(db, q);
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].id == id_b);
        CHECK(rows[0].body.empty()); // a listing does not read the body
        q = {};
        q.limit = 2;
        CHECK(store::query_tickets(db, q).size() == 2);
    }
    SUBCASE("search: words of three characters and more, and shorter ones") {
        store::TicketQuery q;
        q.search = "printer";
        auto rows = store::query_tickets(db, q);
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].id == id_a);
        q.search = "连接";
        CHECK(store::query_tickets(db, q).size() == 3);
        q.search = "\"quoted\" OR x"; // taken literally, never as search syntax
        CHECK(store::query_tickets(db, q).empty());
        store::insert_comment(db, {0, id_c, c.created_at + 5, "wangwu", "toner replaced", false, 300});
        q.search = "toner";
        rows = store::query_tickets(db, q);
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].id == id_c);
    }
    SUBCASE("by source, load by assignee, summaries per asset") {
        CHECK(store::open_ticket_by_source(db, "mail:1") == std::optional<std::int64_t>(id_a));
        CHECK_FALSE(store::open_ticket_by_source(db, "mail:2").has_value());
        CHECK(store::open_load_by_assignee(db) == std::map<std::string, std::int64_t>{{"lisi", 2}});
        CHECK(store::asset_ticket_summaries(db, "SRV-001", 5).empty());
    }
    tx.commit();
}

TEST_CASE("store ticket_repo: comments, links and escalations") {
    auto t = test::open_test_database();
    auto& db = **t;
    store::WriteTransaction tx(db);
    const auto one = store::insert_ticket(db, ticket("one"));
    const auto two = store::insert_ticket(db, ticket("two"));
    const auto c1 = store::insert_comment(db, {0, one, 1790816500, "lisi", "looking", true, 60});
    const auto c2 = store::insert_comment(db, {0, one, 1790816600, "lisi", "fixed", false, 0});
    CHECK(c2 == c1 + 1);
    const auto comments = store::comments_of(db, one);
    REQUIRE(comments.size() == 2);
    CHECK(comments[0].internal);
    CHECK(comments[0].spent_secs == 60);
    CHECK(comments[1].body == "fixed");

    CHECK(store::insert_link(db, {one, "relates", two, 1790816700}));
    CHECK_FALSE(store::insert_link(db, {one, "relates", two, 1790816800})); // already there
    CHECK(store::links_of(db, two).size() == 1);
    CHECK(store::delete_link(db, {one, "relates", two, 0}));
    CHECK_FALSE(store::delete_link(db, {one, "relates", two, 0}));
    CHECK(store::links_of(db, one).empty());

    CHECK_FALSE(store::escalation_fired(db, one, "response", 1));
    store::mark_escalation(db, one, "response", 1, 1790816900);
    store::mark_escalation(db, one, "response", 1, 1790817000); // once only, no failure
    CHECK(store::escalation_fired(db, one, "response", 1));
    CHECK_FALSE(store::escalation_fired(db, one, "response", 2));
    tx.commit();
}

TEST_CASE("store ticket_repo: the bulk writer, with the search index's bulk-load buffer") {
    auto t = test::open_test_database();
    auto& db = **t;
    {
        store::WriteTransaction tx(db);
        store::SearchIndexBulkLoad load(db, 8 << 20);
        store::TicketBulkWriter writer(db);
        for (int i = 1; i <= 50; ++i) {
            auto r = ticket(fmt::format("imported {}", i));
            r.id = 1000 + i;
            std::string comments = i == 7 ? "kernel panic" : "";
            writer.add_ticket(r, comments);
            writer.add_comment({0, r.id, r.created_at, "import", "note " + std::to_string(i), false, 0});
        }
        load.restore();
        tx.commit();
    }
    CHECK(store::max_ticket_id(db) == 1050);
    store::TicketQuery q;
    q.search = "kernel panic";
    const auto rows = store::query_tickets(db, q);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].id == 1007);
    CHECK(store::comments_of(db, 1050).size() == 1);
    // The buffer setting is back to none: the search index's settings are as they were.
    CHECK_FALSE(db.connection().search_buffer().has_value());
}

TEST_CASE("store ticket_repo: a constraint failure is a DatabaseError of kind constraint") {
    auto t = test::open_test_database();
    auto& db = **t;
    store::WriteTransaction tx(db);
    auto r = ticket("dup");
    r.id = 5;
    store::insert_ticket(db, r);
    try {
        store::insert_ticket(db, r);
        FAIL("a second ticket 5 was stored");
    } catch (const store::DatabaseError& e) {
        CHECK(e.kind() == store::DatabaseError::Kind::constraint);
    }
}
