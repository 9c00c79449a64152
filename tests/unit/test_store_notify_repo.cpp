// The notification outbox through the driver interface: one message per key, due and claimed
// messages, retry and give-up.
#include "lib/store/notify_repo.hpp"
#include "test_store_fixture.hpp"

#include <doctest/doctest.h>

using namespace opsctl;

TEST_CASE("store notify_repo: outbox rows") {
    auto t = test::open_test_database();
    auto& db = **t;
    store::NotificationRow r;
    r.idempotency_key = "k1";
    r.channel = "wecom";
    r.kind = "ticket.created";
    r.payload = R"({"title":"t","text":"x"})";
    r.created_at = 100;
    r.next_attempt_at = 100;
    {
        store::WriteTransaction tx(db);
        REQUIRE(store::insert_notification(db, r));
        CHECK_FALSE(store::insert_notification(db, r)); // the same key: kept once
        r.idempotency_key = "k2";
        r.next_attempt_at = 500;
        REQUIRE(store::insert_notification(db, r));
        tx.commit();
    }
    auto due = store::due_notifications(db, 100, 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].idempotency_key == "k1");
    CHECK(store::due_notifications(db, 500, 10).size() == 2);

    SUBCASE("a claimed message is left to its sender") {
        CHECK(store::claim_notification(db, due[0].id, 100, 400));
        CHECK_FALSE(store::claim_notification(db, due[0].id, 100, 400));
        CHECK(store::due_notifications(db, 200, 10).empty());
        // The claim ran out (the sender died): due again, and claimed by the next one.
        CHECK(store::due_notifications(db, 400, 10).size() == 1);
        store::mark_notification_sent(db, due[0].id, 150);
        CHECK(store::list_notifications(db, "sent", 10).size() == 1);
        CHECK_FALSE(store::claim_notification(db, due[0].id, 1000, 2000)); // sent: never again
    }
    SUBCASE("retry, then give up") {
        REQUIRE(store::claim_notification(db, due[0].id, 100, 400));
        store::mark_notification_failed(db, due[0].id, "HTTP status 500", 160, false);
        auto rows = store::list_notifications(db, "pending", 10);
        REQUIRE(rows.size() == 2);
        CHECK(store::due_notifications(db, 150, 10).empty());
        REQUIRE(store::claim_notification(db, due[0].id, 160, 400));
        store::mark_notification_failed(db, due[0].id, "HTTP status 500", 300, true);
        rows = store::list_notifications(db, "failed", 10);
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].attempts == 2);
        CHECK(rows[0].last_error == "HTTP status 500");
        CHECK(store::failed_notifications(db, 0, 1000).size() == 1);
        CHECK(store::due_notifications(db, 1000, 10).size() == 1); // only k2
    }
}
