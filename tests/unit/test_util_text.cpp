#include "lib/util/text.hpp"

#include <doctest/doctest.h>

using namespace opsctl::util;

TEST_CASE("did-you-mean suggestions") {
    const std::vector<std::string> keys = {"name", "email", "phone", "teams", "roles"};
    CHECK(closest("nmae", keys) == "name");   // swapped letters
    CHECK(closest("emial", keys) == "email");
    CHECK(closest("team", keys) == "teams");
    CHECK(closest("zzzzzz", keys).empty());
    CHECK(suggest("nmae", keys) == "did you mean 'name'?");
    CHECK(suggest("zzzzzz", keys) == "known: name, email, phone, teams, roles");
    CHECK(suggest("x", {}) == "none are defined");
}

TEST_CASE("split, trim, join") {
    CHECK(split("a,,b", ',') == std::vector<std::string>{"a", "", "b"});
    CHECK(trim("  x y \t") == "x y");
    CHECK(join({"a", "b"}, ", ") == "a, b");
}
