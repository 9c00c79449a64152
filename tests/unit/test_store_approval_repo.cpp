// The approval repository through the driver interface: decisions per ticket, closing
// them, and the tickets an emergency move still leaves unapproved.
#include "lib/store/approval_repo.hpp"
#include "lib/store/ticket_repo.hpp"
#include "test_store_fixture.hpp"

#include <doctest/doctest.h>

using namespace opsctl;

TEST_CASE("store approval_repo: decisions, closing, open emergencies") {
    auto t = test::open_test_database();
    auto& db = **t;
    store::WriteTransaction tx(db);
    store::TicketRow r;
    r.type = "change";
    r.priority = "P3";
    r.status = "new";
    r.title = "upgrade core switch";
    const auto one = store::insert_ticket(db, r);
    const auto two = store::insert_ticket(db, r);

    const auto first = store::insert_approval(db, {0, one, "approved", "zhangwei", "approved", "ok", 100, false, true});
    store::insert_approval(db, {0, one, "approved", "lisi", "rejected", "not now", 200, false, true});
    store::insert_approval(db, {0, two, "in-progress", "wangwu", "emergency", "outage", 300, false, true});
    auto rows = store::approvals_of(db, one);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].id == first);
    CHECK(rows[1].decision == "rejected");
    CHECK(rows[1].open);
    CHECK(store::tickets_with_open_emergency(db) == std::vector<std::int64_t>{two});

    store::close_approvals(db, one, false);
    rows = store::approvals_of(db, one);
    CHECK_FALSE(rows[0].open);
    CHECK_FALSE(rows[1].open);
    store::close_approvals(db, two, true);
    CHECK(store::tickets_with_open_emergency(db).empty());
    tx.commit();
}
