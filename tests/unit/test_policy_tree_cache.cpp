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
    // Rewrites a file keeping its size and modification time, as an editor that saves within
    // the same second, or a restore from backup, may leave it.
    void rewrite_in_place(const std::string& rel, const std::string& text) const {
        const fs::path path = dir / "cfg" / rel;
        const auto mtime = fs::last_write_time(path);
        REQUIRE(fs::file_size(path) == text.size());
        write(rel, text);
        fs::last_write_time(path, mtime);
    }
    std::vector<fs::path> entries() const {
        std::vector<fs::path> out;
        std::error_code ec;
        for (auto it = fs::directory_iterator(dir / "cache", ec); it != fs::directory_iterator(); ++it) {
            out.push_back(it->path());
        }
        return out;
    }
};

const std::string k_site = "site:\n  name: 站点\n  timezone: Asia/Shanghai\n"
                           "people:\n  zhangwei:\n    name: 张伟\n    teams: [ops]\n";

std::vector<std::string> problems_of(const fs::path& dir) {
    try {
        policy::load_policy(dir);
    } catch (const ConfigError& e) {
        return e.details();
    }
    return {};
}

} // namespace

TEST_CASE("policy tree cache") {
    SUBCASE("a second load reads the cache and gives the same policy, positions included") {
        Scratch s;
        s.write("opsctl.yaml", k_site);
        const auto first = policy::load_policy(s.dir / "cfg");
        REQUIRE(s.entries().size() == 1);
        const auto entry = s.entries()[0];
        const auto written = fs::last_write_time(entry);
        const auto second = policy::load_policy(s.dir / "cfg");
        CHECK(s.entries().size() == 1);
        CHECK(fs::last_write_time(entry) == written); // read, not written again
        CHECK(second.site.name == "站点");
        REQUIRE(second.person("zhangwei"));
        CHECK(second.person("zhangwei")->name == "张伟");
        CHECK(second.person("zhangwei")->teams == first.person("zhangwei")->teams);
        CHECK(second.person("zhangwei")->origin.str() == first.person("zhangwei")->origin.str());
        CHECK(second.person("zhangwei")->origin.line == 5);
    }

    SUBCASE("a file changed in place (same size and time) is parsed again") {
        Scratch s;
        s.write("opsctl.yaml", k_site);
        policy::load_policy(s.dir / "cfg");
        // 站台 has as many bytes as 站点.
        std::string changed = k_site;
        changed.replace(changed.find("站点"), std::string("站点").size(), "站台");
        s.rewrite_in_place("opsctl.yaml", changed);
        CHECK(policy::load_policy(s.dir / "cfg").site.name == "站台");
        CHECK(s.entries().size() == 2);
    }

    SUBCASE("a change that breaks the policy is reported, never hidden by the cache") {
        Scratch s;
        s.write("opsctl.yaml", k_site);
        policy::load_policy(s.dir / "cfg");
        std::string broken = k_site;
        broken.replace(broken.find("Asia/Shanghai"), 13, "Asia/Shanghia");
        s.rewrite_in_place("opsctl.yaml", broken);
        const auto lines = problems_of(s.dir / "cfg");
        REQUIRE(lines.size() == 1);
        CHECK(lines[0].find("opsctl.yaml:3:13: unknown time zone 'Asia/Shanghia'") != std::string::npos);
        // Broken the same way again: the cached tree gives the same report.
        CHECK(problems_of(s.dir / "cfg") == lines);
        s.rewrite_in_place("opsctl.yaml", k_site);
        CHECK(policy::load_policy(s.dir / "cfg").site.zone.name() == "Asia/Shanghai");
    }

    SUBCASE("problems found with cached trees still name file, line and column") {
        Scratch s;
        s.write("opsctl.yaml", k_site);
        policy::load_policy(s.dir / "cfg");
        s.write("policies/more.yaml", "people:\n  zhangwei:\n    name: again\n    teams: [ops]\n");
        const auto first = problems_of(s.dir / "cfg"); // more.yaml parsed, opsctl.yaml cached
        const auto second = problems_of(s.dir / "cfg"); // both cached
        REQUIRE(first.size() == 1);
        CHECK(second == first);
        const std::string first_at = (s.dir / "cfg" / "opsctl.yaml").string() + ":5:3";
        CHECK(first[0].find(first_at) != std::string::npos);
        CHECK(first[0].find("more.yaml:2:3") != std::string::npos);
    }

    SUBCASE("a damaged entry, or another file's entry in its place, is not used") {
        Scratch s;
        s.write("opsctl.yaml", k_site);
        policy::load_policy(s.dir / "cfg");
        REQUIRE(s.entries().size() == 1);
        const auto entry = s.entries()[0];
        std::string other = k_site;
        other.replace(other.find("站点"), std::string("站点").size(), "别处");
        s.write("opsctl.yaml", other);
        policy::load_policy(s.dir / "cfg");
        fs::path other_entry;
        for (const auto& e : s.entries()) {
            if (e != entry) {
                other_entry = e;
            }
        }
        REQUIRE(!other_entry.empty());
        // The other content's entry under this content's name: the key inside differs.
        fs::copy_file(other_entry, entry, fs::copy_options::overwrite_existing);
        s.write("opsctl.yaml", k_site);
        CHECK(policy::load_policy(s.dir / "cfg").site.name == "站点");
        // Cut short.
        fs::resize_file(entry, fs::file_size(entry) / 2);
        CHECK(policy::load_policy(s.dir / "cfg").site.name == "站点");
        // Garbage.
        std::ofstream(entry, std::ios::trunc) << std::string(300, '\xff');
        CHECK(policy::load_policy(s.dir / "cfg").site.name == "站点");
    }

    SUBCASE("a direct look-up finds only the exact text") {
        Scratch s;
        const fs::path cache = s.dir / "cache";
        auto doc = policy::Document::from_yaml(YAML::Load(k_site));
        REQUIRE(doc);
        policy::store_document(cache, k_site, *doc);
        const auto back = policy::cached_document(cache, k_site);
        REQUIRE(back);
        CHECK(back->root()["site"]["name"].scalar() == "站点");
        CHECK_FALSE(policy::cached_document(cache, k_site + " "));
        CHECK_FALSE(policy::cached_document(fs::path(), k_site));
    }

    SUBCASE("OPSCTL_CACHE_DIR=off turns the cache off") {
        Scratch s;
        ::setenv("OPSCTL_CACHE_DIR", "off", 1);
        CHECK(policy::tree_cache_dir().empty());
        s.write("opsctl.yaml", k_site);
        policy::load_policy(s.dir / "cfg");
        CHECK(s.entries().empty());
    }
}
