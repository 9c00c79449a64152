#include "lib/asset/inventory.hpp"

#include <doctest/doctest.h>

using namespace opsctl;

TEST_CASE("asset lifecycle only moves forward, except maintenance and in_use") {
    SUBCASE("forward moves") {
        CHECK(asset::can_move("in_stock", "in_use"));
        CHECK(asset::can_move("in_use", "retired"));
        CHECK(asset::can_move("retired", "disposed"));
        CHECK(asset::can_move("in_stock", "retired"));
    }
    SUBCASE("maintenance and back") {
        CHECK(asset::can_move("in_use", "maintenance"));
        CHECK(asset::can_move("maintenance", "in_use"));
    }
    SUBCASE("backward moves are refused") {
        CHECK_FALSE(asset::can_move("in_use", "in_stock"));
        CHECK_FALSE(asset::can_move("retired", "in_use"));
        CHECK_FALSE(asset::can_move("disposed", "retired"));
        CHECK_FALSE(asset::can_move("maintenance", "in_stock"));
        CHECK_FALSE(asset::can_move("in_use", "broken"));
    }
}

TEST_CASE("custom field values are checked and stored canonically") {
    policy::AssetField f;
    f.key = "x";
    std::string problem;
    SUBCASE("int") {
        f.type = policy::FieldType::integer;
        CHECK(asset::check_field_value(f, " 042 ", problem) == "42");
        CHECK_FALSE(asset::check_field_value(f, "4.5", problem));
        CHECK(problem.find("whole number") != std::string::npos);
    }
    SUBCASE("bool") {
        f.type = policy::FieldType::boolean;
        CHECK(asset::check_field_value(f, "Yes", problem) == "true");
        CHECK(asset::check_field_value(f, "否", problem) == "false");
        CHECK_FALSE(asset::check_field_value(f, "maybe", problem));
    }
    SUBCASE("date") {
        f.type = policy::FieldType::date;
        CHECK(asset::check_field_value(f, "2026-02-28", problem) == "2026-02-28");
        CHECK_FALSE(asset::check_field_value(f, "2026-02-30", problem));
    }
    SUBCASE("enum") {
        f.type = policy::FieldType::enumeration;
        f.values = {"linux", "windows"};
        CHECK(asset::check_field_value(f, "linux", problem) == "linux");
        CHECK_FALSE(asset::check_field_value(f, "Linux", problem));
        CHECK(problem.find("linux, windows") != std::string::npos);
    }
}

TEST_CASE("diff_assets lists changed columns and fields") {
    asset::Asset a;
    a.tag = "SRV-0001";
    a.name = "db";
    a.fields = {{"memory_gb", "64"}, {"os", "linux"}};
    asset::Asset b = a;
    b.owner = "lina";
    b.fields.erase("os");
    b.fields["memory_gb"] = "128";
    const auto changes = asset::diff_assets(a, b);
    REQUIRE(changes.size() == 3);
    CHECK(changes[0].field == "owner");
    CHECK(changes[0].after == "lina");
    CHECK(changes[1].field == "memory_gb");
    CHECK(changes[2].field == "os");
    CHECK(changes[2].after.empty());
}
