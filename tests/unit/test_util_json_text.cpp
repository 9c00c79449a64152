#include "lib/util/json_text.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

using opsctl::util::JsonObjectText;

namespace {

std::string dumped(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

TEST_CASE("JsonObjectText") {
    // The events' hash chain is computed over this text: it must be exactly what dump() of
    // the same object gives, or imported rows would read differently from the rest.
    SUBCASE("the same bytes as nlohmann::json::dump") {
        const std::string nasty = "quote \" back\\ tab\t cr\r lf\n bell\x07 unit\x1f del\x7f 数据库 é";
        JsonObjectText t;
        t.text("body", nasty);
        t.number("created_at", std::int64_t{1633831206});
        t.maybe_text("owner", std::nullopt);
        t.number("satisfaction", std::nullopt);
        t.maybe_text("title", std::string("数据库连接失败"));
        CHECK(t.finish() ==
              dumped({{"body", nasty}, {"created_at", 1633831206}, {"title", "数据库连接失败"}}));
    }
    SUBCASE("changes are [before, after] with null for empty") {
        JsonObjectText t;
        t.change("name", "", "web-1");
        t.change("owner", "lina", "");
        CHECK(t.finish() == dumped({{"name", {nullptr, "web-1"}}, {"owner", {"lina", nullptr}}}));
    }
    SUBCASE("invalid UTF-8 is replaced as dump does") {
        JsonObjectText t;
        t.text("k", std::string("a\xff" "b"));
        CHECK(t.finish() == dumped({{"k", std::string("a\xff" "b")}}));
    }
    SUBCASE("an empty object, and clear starts again") {
        JsonObjectText t;
        CHECK(t.finish() == "{}");
        t.clear();
        t.text("a", "1");
        CHECK(t.finish() == R"({"a":"1"})");
    }
}
