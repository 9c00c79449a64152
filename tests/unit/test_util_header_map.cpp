#include "lib/core/error.hpp"
#include "lib/util/header_map.hpp"

#include <doctest/doctest.h>

using namespace opsctl;
using util::map_header;

namespace {
const std::vector<util::HeaderColumn> k_columns = {
    {"tag", {"编号", "Asset tag"}},
    {"name", {"名称"}},
    {"serial", {"Serial number", "SN"}},
    {"spent_secs", {"耗时(秒)"}},
    {"kind", {"类型"}},
    {"class", {"类型"}}, // two columns share a label: only --map decides
};
} // namespace

TEST_CASE("a header names columns by name, label or --map") {
    SUBCASE("names and labels, without case, spaces, '_' or '-'") {
        const auto m = map_header({"\xEF\xBB\xBF编号", " 名称 ", "serial NUMBER", "Spent_Secs", "耗时（秒）"}, k_columns, {});
        CHECK(m.names == std::vector<std::string>{"tag", "name", "serial", "spent_secs", ""});
        REQUIRE(m.problems.size() == 1); // spent_secs twice: once as its name, once as its label
        CHECK(m.problems[0].column == 5);
        CHECK(m.problems[0].message == "column '耗时（秒）' names 'spent_secs' again (column 4 already does)");
    }
    SUBCASE("each unknown cell is reported once, without the list of every column") {
        const auto m = map_header({"名称", "备注", "nmae", "位置"}, k_columns, {});
        REQUIRE(m.problems.size() == 3);
        CHECK(m.problems[0].column == 2);
        CHECK(m.problems[0].message == "unknown column '备注'");
        CHECK(m.problems[1].message == "unknown column 'nmae' (did you mean 'name'?)");
        CHECK(m.problems[2].column == 4);
    }
    SUBCASE("a label shared by two columns needs --map") {
        auto m = map_header({"类型"}, k_columns, {});
        REQUIRE(m.problems.size() == 1);
        CHECK(m.problems[0].message == "column '类型' could be any of class, kind (use --map '类型=COLUMN')");
        m = map_header({"类型", "备注"}, k_columns, {"类型=class", "备注=name"});
        CHECK(m.problems.empty());
        CHECK(m.names == std::vector<std::string>{"class", "name"});
    }
    SUBCASE("a --map that cannot apply is a usage error") {
        CHECK_THROWS_AS(map_header({"名称"}, k_columns, {"名称"}), UsageError);
        CHECK_THROWS_AS(map_header({"名称"}, k_columns, {"名称=nosuch"}), UsageError);
        CHECK_THROWS_AS(map_header({"名称"}, k_columns, {"型号=name"}), UsageError);
    }
}
