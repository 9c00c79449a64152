// The roster repository through the driver interface: overrides by period, handovers,
// check-ins and check-outs.
#include "lib/store/roster_repo.hpp"
#include "test_store_fixture.hpp"

#include <doctest/doctest.h>

using namespace opsctl;

TEST_CASE("store roster_repo: overrides, handovers and attendance") {
    auto t = test::open_test_database();
    auto& db = **t;
    store::WriteTransaction tx(db);
    const std::int64_t day = 86400, t0 = 1790816400;
    store::OverrideRow o;
    o.rotation = "ops";
    o.person = "lisi";
    o.replaces = "zhangwei";
    o.starts_at = t0;
    o.ends_at = t0 + day;
    o.note = "调休";
    o.created_at = t0 - day;
    o.created_by = "zhangwei";
    const auto id = store::insert_override(db, o);
    o.rotation = "net";
    o.replaces.reset();
    o.starts_at = t0 + 10 * day;
    o.ends_at = t0 + 11 * day;
    store::insert_override(db, o);

    const auto got = store::find_override(db, id);
    REQUIRE(got);
    CHECK(got->replaces == std::optional<std::string>("zhangwei"));
    CHECK(got->note == "调休");
    CHECK(store::overrides_between(db, t0 - day, t0 + 2 * day).size() == 1);
    CHECK(store::overrides_between(db, t0 - day, t0 + 20 * day).size() == 2);
    CHECK(store::overrides_between(db, t0 - day, t0 + 20 * day, "net").size() == 1);
    CHECK(store::delete_override(db, id));
    CHECK_FALSE(store::delete_override(db, id));
    CHECK_FALSE(store::find_override(db, id).has_value());

    store::HandoverRow h;
    h.at = t0;
    h.rotation = "ops";
    h.from_person = "lisi";
    h.note = "quiet night";
    h.snapshot = R"({"open":3})";
    h.open_tickets = 3;
    store::insert_handover(db, h);
    const auto handovers = store::handovers_between(db, t0 - 1, t0 + 1);
    REQUIRE(handovers.size() == 1);
    CHECK_FALSE(handovers[0].to_person.has_value());
    CHECK(handovers[0].snapshot == h.snapshot);
    CHECK(store::handovers_between(db, t0 + 1, t0 + 2).empty());

    CHECK_FALSE(store::open_checkin(db, "lisi").has_value());
    const auto in = store::insert_checkin(db, "lisi", t0, "on site");
    CHECK(store::open_checkin(db, "lisi")->id == in);
    store::close_checkin(db, in, t0 + 8 * 3600);
    CHECK_FALSE(store::open_checkin(db, "lisi").has_value());
    const auto days = store::attendance_between(db, t0 - day, t0 + day);
    REQUIRE(days.size() == 1);
    CHECK(days[0].checkout_at == std::optional<std::int64_t>(t0 + 8 * 3600));
    tx.commit();
}
