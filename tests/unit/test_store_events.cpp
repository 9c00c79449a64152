// The event log and record digests through the driver interface: events per record and
// per period, the chain across transactions, a record's digest sealed into its newest
// event, and a row changed behind opsctl's back found by verify_records.
#include "lib/store/events.hpp"
#include "lib/store/record_digest.hpp"
#include "lib/store/ticket_repo.hpp"
#include "test_store_fixture.hpp"

#include <doctest/doctest.h>

using namespace opsctl;

namespace {

store::Event event(const std::string& entity, const std::string& id, std::int64_t at) {
    store::Event e;
    e.at = at;
    e.actor = "zhangwei";
    e.entity = entity;
    e.entity_id = id;
    e.action = "created";
    e.fields = {{"title", "机房断电"}};
    return e;
}

} // namespace

TEST_CASE("store events: per record, per period, chained across transactions") {
    auto t = test::open_test_database();
    auto& db = **t;
    {
        store::WriteTransaction tx(db);
        store::record_event(db, event("asset", "SRV-001", 100));
        store::record_event(db, event("backup", "7", 200));
        tx.commit();
    }
    std::string head;
    {
        store::WriteTransaction tx(db);
        head = store::last_event_hash(db);
        CHECK(head.size() == 64);
        store::record_event(db, event("asset", "SRV-001", 300));
        tx.commit();
    }
    const auto mine = store::events_for(db, "asset", "SRV-001");
    REQUIRE(mine.size() == 2);
    CHECK(mine[1].prev_hash == head);
    CHECK(mine[1].fields["title"] == "机房断电");
    CHECK(store::events_between(db, 100, 300).size() == 2);
    CHECK(store::events_between(db, 0, 1000, "backup").size() == 1);
    CHECK(store::verify_event_chain(db).rows == 3);
    CHECK_FALSE(store::verify_event_chain(db).first_bad_id.has_value());
}

TEST_CASE("store record_digest: sealed at commit, a changed row is found") {
    auto t = test::open_test_database();
    auto& db = **t;
    {
        store::WriteTransaction tx(db);
        store::TicketRow r;
        r.type = "incident";
        r.priority = "P2";
        r.status = "new";
        r.title = "UPS alarm";
        r.created_at = r.updated_at = 1790816400;
        const auto id = store::insert_ticket(db, r);
        store::record_event(db, event("ticket", std::to_string(id), 1790816400));
        tx.commit();
    }
    const std::string digest = store::record_digest(db, "ticket", "1");
    CHECK_FALSE(digest.empty());
    CHECK(store::record_digest(db, "ticket", "not-a-number").empty());
    CHECK(store::record_digest(db, "nothing", "1").empty());
    CHECK(store::events_for(db, "ticket", "1").back().digest == digest);
    auto check = store::verify_records(db);
    CHECK(check.first_bad.empty());
    CHECK(check.checked >= 1);

    db.exec("UPDATE tickets SET priority = 'P1' WHERE id = 1");
    CHECK(store::record_digest(db, "ticket", "1") != digest);
    check = store::verify_records(db);
    CHECK(check.first_bad == "ticket 1");
}
