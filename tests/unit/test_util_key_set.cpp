#include "lib/util/key_set.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <random>
#include <set>
#include <string>
#include <unordered_map>

using namespace opsctl;

TEST_CASE("KeyLines keeps the first line of every key, across growth") {
    util::KeyLines keys;
    std::unordered_map<std::string, std::uint64_t> model;
    std::mt19937_64 rng(7);
    for (std::uint64_t line = 1; line <= 50000; ++line) {
        // Keys repeat (about one in four), hold CJK, empty and long ones.
        const std::string key = line % 97 == 0 ? std::string() :
                                line % 89 == 0 ? std::string(300, 'x') + std::to_string(rng() % 5) :
                                "服务器-" + std::to_string(rng() % 40000);
        auto [it, fresh] = model.emplace(key, line);
        const std::uint64_t got = keys.add(key, line);
        CHECK(got == (fresh ? 0 : it->second));
    }
    CHECK(keys.size() == model.size());
    for (const auto& [key, line] : model) {
        CHECK(keys.line_of(key) == line);
    }
    CHECK(keys.line_of("not-there") == 0);
    CHECK_FALSE(keys.contains("服务器-"));
}

TEST_CASE("KeyLines tells keys apart that share a prefix or differ in length only") {
    util::KeyLines keys;
    CHECK(keys.add("SRV-1", 1) == 0);
    CHECK(keys.add("SRV-10", 2) == 0);
    CHECK(keys.add(std::string("SRV-1\0", 6), 3) == 0);
    CHECK(keys.add("SRV-1", 4) == 1);
    CHECK(keys.line_of("SRV-10") == 2);
    CHECK(keys.line_of("SRV-") == 0);
    CHECK_THROWS(keys.add("x", 0));
}

TEST_CASE("IntSet holds every int64, the extremes too") {
    util::IntSet ids;
    std::set<std::int64_t> model;
    std::mt19937_64 rng(11);
    const std::int64_t extremes[] = {0, -1, 1, std::numeric_limits<std::int64_t>::min(),
                                     std::numeric_limits<std::int64_t>::max(),
                                     std::numeric_limits<std::int64_t>::max() - 1};
    for (auto v : extremes) {
        CHECK(ids.insert(v) == model.insert(v).second);
        CHECK_FALSE(ids.insert(v));
    }
    for (int i = 0; i < 100000; ++i) {
        // Dense ids (as a ticket export has) and a few random ones.
        const auto v = i % 10 == 0 ? static_cast<std::int64_t>(rng()) : static_cast<std::int64_t>(rng() % 60000);
        CHECK(ids.insert(v) == model.insert(v).second);
    }
    CHECK(ids.size() == model.size());
    for (auto v : model) {
        CHECK(ids.contains(v));
    }
    CHECK_FALSE(ids.contains(60001));
    CHECK_FALSE(util::IntSet().contains(-1));
    CHECK_FALSE(util::IntSet().contains(std::numeric_limits<std::int64_t>::max()));
}
