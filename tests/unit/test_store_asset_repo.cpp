// The asset repository through the driver interface: rows and custom fields round-trip,
// filters (named parameters among them) select, the writer numbers tags, maintenance reads.
#include "lib/core/error.hpp"
#include "lib/store/asset_repo.hpp"
#include "test_store_fixture.hpp"

#include <doctest/doctest.h>

using namespace opsctl;

namespace {

store::AssetRow asset(const std::string& tag, const std::string& cls = "server") {
    store::AssetRow r;
    r.tag = tag;
    r.cls = cls;
    r.name = "数据库服务器 " + tag;
    r.model = "R740";
    r.serial = "SN-" + tag;
    r.owner = "lisi";
    r.location = "DC1";
    r.status = "in_use";
    r.created_at = 1790816400;
    r.updated_at = 1790816400;
    return r;
}

} // namespace

TEST_CASE("store asset_repo: rows and custom fields round-trip; update replaces fields") {
    auto t = test::open_test_database();
    auto& db = **t;
    store::WriteTransaction tx(db);
    store::AssetWriter writer(db);
    auto a = asset("SRV-001");
    a.purchased = "2024-01-10";
    a.warranty_until = "2027-01-10";
    a.fields = {{"cpu", "2x Xeon"}, {"ram", "256G"}};
    writer.insert(a);
    auto child = asset("DSK-001", "disk");
    child.parent = "SRV-001";
    // More fields than one multi-row INSERT holds.
    for (int i = 0; i < 20; ++i) {
        child.fields["f" + std::to_string(i)] = std::to_string(i);
    }
    writer.insert(child);

    const auto got = store::find_asset_row(db, "SRV-001");
    REQUIRE(got);
    CHECK(got->name == a.name);
    CHECK(got->purchased == "2024-01-10");
    CHECK(got->parent.empty()); // NULL reads as empty
    CHECK_FALSE(got->retired_at.has_value());
    CHECK(got->fields == a.fields);
    CHECK(store::find_asset_row(db, "DSK-001")->fields.size() == 20);
    CHECK(store::child_tags(db, "SRV-001") == std::vector<std::string>{"DSK-001"});
    CHECK(store::tags_with_serial(db, "SN-DSK-001") == std::vector<std::string>{"DSK-001"});
    CHECK(store::asset_exists(db, "SRV-001"));
    CHECK_FALSE(store::asset_exists(db, "SRV-404"));

    auto changed = *got;
    changed.status = "retired";
    changed.retired_at = 1790900000;
    changed.fields = {{"ram", "512G"}};
    writer.update(changed);
    const auto again = store::find_asset_row(db, "SRV-001");
    REQUIRE(again);
    CHECK(again->status == "retired");
    CHECK(again->retired_at == std::optional<std::int64_t>(1790900000));
    CHECK(again->fields == std::map<std::string, std::string>{{"ram", "512G"}});
    CHECK_THROWS_AS(writer.update(asset("SRV-404")), Failure);
    tx.commit();
}

TEST_CASE("store asset_repo: filters, search, counts and lookups") {
    auto t = test::open_test_database();
    auto& db = **t;
    store::WriteTransaction tx(db);
    store::AssetWriter writer(db);
    auto a = asset("SRV-001");
    a.fields = {{"rack", "A1"}};
    writer.insert(a);
    auto b = asset("SRV-002");
    b.owner = "wangwu";
    b.fields = {{"rack", "B7"}};
    writer.insert(b);
    auto c = asset("LAP-001", "laptop");
    c.status = "disposed";
    writer.insert(c);

    store::AssetFilter f;
    f.cls = "server";
    CHECK(store::select_asset_rows(db, f).size() == 2);
    f.owner = "wangwu";
    auto rows = store::select_asset_rows(db, f);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].tag == "SRV-002");
    CHECK(rows[0].fields.at("rack") == "B7");

    f = {};
    f.search = "B7"; // a custom field's value
    rows = store::select_asset_rows(db, f);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].tag == "SRV-002");
    f = {};
    f.fields = {{"rack", ""}}; // no such field
    CHECK(store::select_asset_rows(db, f).size() == 1);
    f = {};
    f.active_only = true;
    f.limit = 1;
    CHECK(store::select_asset_rows(db, f).size() == 1);
    f = {};
    f.columns = {{"nonsense", "x"}};
    CHECK_THROWS_AS(store::select_asset_rows(db, f), Failure);

    const auto by_class = store::count_assets_by(db, "class");
    CHECK(by_class == std::vector<std::pair<std::string, std::int64_t>>{{"laptop", 1}, {"server", 2}});
    CHECK(store::all_asset_tags(db).size() == 3);
    int seen = 0;
    store::each_asset_row(db, "server", [&](const store::AssetRow&) { ++seen; });
    CHECK(seen == 2);

    store::AssetLookup lookup(db);
    CHECK(lookup.exists("LAP-001"));
    CHECK(lookup.find("SRV-001")->fields.at("rack") == "A1");
    CHECK_FALSE(lookup.find("SRV-404").has_value());
    CHECK(lookup.next_number("SRV", 3) == 3); // SRV-001 and SRV-002 are taken by hand
    writer.note_number("SRV", 7);
    writer.note_number("SRV", 5); // never goes back
    CHECK(writer.next_number("SRV", 3) == 8);
    tx.commit();
}

TEST_CASE("store asset_repo: a bulk load relaxes checks until commit") {
    auto t = test::open_test_database();
    auto& db = **t;
    store::WriteTransaction tx(db);
    store::AssetWriter writer(db);
    writer.begin_bulk_load();
    auto child = asset("DSK-001", "disk");
    child.parent = "SRV-001"; // its parent comes later in the same load
    writer.insert(child);
    writer.insert(asset("SRV-001"));
    tx.commit();
    CHECK(store::child_tags(db, "SRV-001").size() == 1);
}

TEST_CASE("store asset_repo: maintenance records and what they tell") {
    auto t = test::open_test_database();
    auto& db = **t;
    store::WriteTransaction tx(db);
    store::AssetWriter writer(db);
    auto a = asset("SRV-001");
    a.purchased = "2020-03-01";
    a.warranty_until = "2026-11-30";
    writer.insert(a);
    writer.insert(asset("SRV-002"));
    store::MaintenanceRow m;
    m.tag = "SRV-001";
    m.kind = "clean";
    m.at = 1790816400;
    m.note = "dust";
    m.cost = 12.5;
    m.actor = "lisi";
    m.created_at = 1790816400;
    const auto id = store::insert_maintenance(db, m);
    m.at += 86400;
    m.cost.reset();
    m.spent_secs = 1800;
    CHECK(store::insert_maintenance(db, m) == id + 1);

    store::MaintenanceFilter f;
    f.tag = "SRV-001";
    f.since = 1790816400 + 1;
    const auto rows = store::select_maintenance(db, f);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].spent_secs == std::optional<std::int64_t>(1800));
    CHECK_FALSE(rows[0].cost.has_value());
    f = {};
    f.kind = "clean";
    const auto both = store::select_maintenance(db, f);
    REQUIRE(both.size() == 2);
    CHECK(both[1].cost == std::optional<double>(12.5));

    const auto last = store::last_maintenance(db, "server", "clean");
    REQUIRE(last.size() == 2);
    CHECK(last[0].last_at == std::optional<std::int64_t>(1790816400 + 86400));
    CHECK_FALSE(last[1].last_at.has_value());
    CHECK(store::warranties_ending(db, "2026-11-01", "2026-12-31").size() == 1);
    CHECK(store::purchased_before(db, "server", "2021-01-01").size() == 1);
    tx.commit();
}
