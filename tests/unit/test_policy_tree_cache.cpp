#include "lib/core/error.hpp"
#include "lib/policy/loader.hpp"
#include "lib/policy/tree_cache.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace opsctl;
namespace fs = std::filesystem;

namespace {

// Same type, tag, text and children in the same order (positions and styles aside).
bool same_tree(const YAML::Node& a, const YAML::Node& b) {
    if (a.Type() != b.Type() || a.Tag() != b.Tag()) {
        return false;
    }
    if (a.IsScalar()) {
        return a.Scalar() == b.Scalar();
    }
    if (a.size() != b.size()) {
        return false;
    }
    if (a.IsSequence()) {
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (!same_tree(a[i], b[i])) {
                return false;
            }
        }
    }
    if (a.IsMap()) {
        for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
            if (!same_tree(ia->first, ib->first) || !same_tree(ia->second, ib->second)) {
                return false;
            }
        }
    }
    return true;
}

// A scratch directory (policy and cache) removed at the end, with OPSCTL_CACHE_DIR set to
// its cache folder meanwhile.
struct Scratch {
    fs::path dir;
    Scratch() {
        dir = fs::temp_directory_path() / ("opsctl-tree-cache-test-" + std::to_string(::getpid()));
        fs::create_directories(dir / "cfg" / "policies");
        ::setenv("OPSCTL_CACHE_DIR", (dir / "cache").c_str(), 1);
    }
    ~Scratch() {
        ::unsetenv("OPSCTL_CACHE_DIR");
        fs::remove_all(dir);
    }
    void write(const std::string& rel, const std::string& text) const { std::ofstream(dir / "cfg" / rel) << text; }
    std::size_t entries() const {
        std::size_t n = 0;
        std::error_code ec;
        for (auto it = fs::directory_iterator(dir / "cache", ec); it != fs::directory_iterator(); ++it) {
            ++n;
        }
        return n;
    }
};

const char* k_text = R"(# comment
site:
  name: 测试站点
  timezone: Asia/Shanghai
people:
  zhangwei: {name: 张伟, teams: [ops, desk], phone: "13800000001"}
  lina:
    name: 李娜
    teams:
      - ops
    email: ~
    note:
    quoted: 'it''s'
  lina: {name: again}
base: &b [1, 2]
copy: *b
block: |
  line one
  line two
)";

} // namespace

TEST_CASE("policy tree cache") {
    SUBCASE("a tree comes back as the parser made it, repeated keys included") {
        const YAML::Node root = YAML::Load(k_text);
        const auto bytes = policy::encode_tree(root);
        REQUIRE(bytes);
        const auto back = policy::decode_tree(*bytes);
        REQUIRE(back);
        CHECK(same_tree(root, *back));
        CHECK((*back)["people"].size() == 3);
        CHECK((*back)["people"]["lina"]["email"].IsNull());
        CHECK((*back)["people"]["zhangwei"]["phone"].as<std::string>() == "13800000001");
    }

    SUBCASE("damaged bytes are refused, never half read") {
        const auto bytes = policy::encode_tree(YAML::Load(k_text));
        REQUIRE(bytes);
        for (std::size_t n = 0; n < bytes->size(); ++n) {
            CHECK_FALSE(policy::decode_tree(bytes->substr(0, n)));
        }
        CHECK_FALSE(policy::decode_tree(*bytes + "x"));
        CHECK_FALSE(policy::decode_tree(std::string(64, '\xff')));
    }

    SUBCASE("an alias bomb is not kept") {
        std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n";
        for (int i = 1; i < 12; ++i) {
            text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
            for (int j = 0; j < 9; ++j) {
                text += (j ? ", *a" : "*a") + std::to_string(i - 1);
            }
            text += "]\n";
        }
        CHECK_FALSE(policy::encode_tree(YAML::Load(text)));
    }

    SUBCASE("a second load reads the cache and gives the same policy") {
        Scratch s;
        s.write("opsctl.yaml", "site:\n  name: 站点\n  timezone: Asia/Shanghai\n"
                               "people:\n  zhangwei:\n    name: 张伟\n    teams: [ops]\n");
        const auto first = policy::load_policy(s.dir / "cfg");
        CHECK(s.entries() == 1);
        const auto second = policy::load_policy(s.dir / "cfg");
        CHECK(s.entries() == 1);
        CHECK(second.site.name == "站点");
        REQUIRE(second.person("zhangwei"));
        CHECK(second.person("zhangwei")->name == "张伟");
        CHECK(second.person("zhangwei")->teams == first.person("zhangwei")->teams);
    }

    SUBCASE("problems found with cached trees still name file, line and column") {
        Scratch s;
        s.write("opsctl.yaml", "site:\n  name: 站点\n  timezone: Asia/Shanghai\n"
                               "people:\n  zhangwei:\n    name: 张伟\n    teams: [ops]\n");
        policy::load_policy(s.dir / "cfg");
        s.write("policies/more.yaml", "people:\n  zhangwei:\n    name: again\n    teams: [ops]\n");
        std::vector<std::string> details;
        try {
            policy::load_policy(s.dir / "cfg");
        } catch (const ConfigError& e) {
            details = e.details();
        }
        REQUIRE(details.size() == 1);
        const std::string first_at = (s.dir / "cfg" / "opsctl.yaml").string() + ":5:3";
        CHECK(details[0].find(first_at) != std::string::npos);
        CHECK(details[0].find("more.yaml:2:3") != std::string::npos);
    }

    SUBCASE("OPSCTL_CACHE_DIR=off turns the cache off") {
        Scratch s;
        ::setenv("OPSCTL_CACHE_DIR", "off", 1);
        CHECK(policy::tree_cache_dir().empty());
    }
}
