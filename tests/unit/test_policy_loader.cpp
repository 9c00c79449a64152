#include "lib/core/error.hpp"
#include "lib/policy/loader.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace opsctl;
namespace fs = std::filesystem;

namespace {

// A scratch policy directory removed at the end of the test.
struct PolicyDir {
    fs::path dir;
    PolicyDir() {
        dir = fs::temp_directory_path() / ("opsctl-policy-test-" + std::to_string(::getpid()) + "-" +
                                           std::to_string(reinterpret_cast<std::uintptr_t>(this)));
        fs::create_directories(dir / "policies");
    }
    ~PolicyDir() { fs::remove_all(dir); }
    void write(const std::string& rel, const std::string& text) const {
        std::ofstream(dir / rel) << text;
    }
    std::string path(const std::string& rel) const { return (dir / rel).string(); }
};

// The problem lines of a load that must fail with exit 78.
std::vector<std::string> problems_of(const fs::path& dir) {
    try {
        policy::load_policy(dir);
    } catch (const ConfigError& e) {
        CHECK(e.status() == 78);
        return e.details();
    }
    FAIL("the policy loaded although it is broken");
    return {};
}

bool has(const std::vector<std::string>& lines, const std::string& wanted) {
    for (const auto& l : lines) {
        if (l == wanted) {
            return true;
        }
    }
    return false;
}

const char* k_base = R"(site:
  name: 测试站点
  timezone: Asia/Shanghai
people:
  zhangwei:
    name: 张伟
    teams: [ops, desk]
  lina:
    name: 李娜
    teams: [ops]
)";

} // namespace

TEST_CASE("a good policy loads and merges sections across files") {
    PolicyDir d;
    d.write("opsctl.yaml", k_base);
    d.write("policies/more-people.yaml", "people:\n  wangfang:\n    name: 王芳\n    teams: desk\n");
    d.write("policies/calendar.yaml", "calendar:\n  workdays: [mon, tue, wed, thu, fri]\n"
                                      "  hours: [\"09:00-12:00\", \"13:30-18:00\"]\n"
                                      "  holidays:\n    - {from: 2026-10-01, to: 2026-10-07, name: 国庆节}\n"
                                      "  makeup_workdays:\n    - {date: 2026-10-10, name: 国庆调休}\n");
    const auto p = policy::load_policy(d.dir);
    CHECK(p.site.name == "测试站点");
    CHECK(p.site.zone.name() == "Asia/Shanghai");
    CHECK(p.people.size() == 3);
    CHECK(p.person("wangfang")->teams == std::vector<std::string>{"desk"});
    CHECK(p.team_members("ops") == std::vector<std::string>{"lina", "zhangwei"});
    CHECK(p.teams() == std::vector<std::string>{"desk", "ops"});
    CHECK(p.calendar.spec.holidays.size() == 7);
    CHECK(p.calendar.spec.makeup_workdays.size() == 1);
    CHECK(p.calendar.spec.hours.size() == 2);
    // The calendar built from the policy knows the holiday and the make-up day.
    const auto cal = p.business_calendar();
    CHECK_FALSE(cal.is_workday(core::Date{2026, 10, 2}));
    CHECK(cal.is_workday(core::Date{2026, 10, 10}));
}

TEST_CASE("every problem is reported with file:line:col") {
    PolicyDir d;
    d.write("opsctl.yaml", k_base);
    SUBCASE("unknown section and misspelt key get suggestions") {
        d.write("policies/x.yaml", "peple:\n  a: {}\npeople:\n  bob:\n    nmae: Bob\n    emial: b@x\n");
        const auto lines = problems_of(d.dir);
        CHECK(lines.size() == 3);
        CHECK(has(lines, d.path("policies/x.yaml") + ":1:1: unknown section 'peple' (did you mean 'people'?)"));
        CHECK(has(lines, d.path("policies/x.yaml") + ":5:5: unknown key 'nmae' in person 'bob' (did you mean 'name'?)"));
        CHECK(has(lines, d.path("policies/x.yaml") + ":6:5: unknown key 'emial' in person 'bob' (did you mean 'email'?)"));
    }
    SUBCASE("the same name in two files names both places") {
        d.write("policies/x.yaml", "people:\n  lina:\n    name: again\n");
        const auto lines = problems_of(d.dir);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0] == d.path("policies/x.yaml") + ":2:3: person 'lina' is defined twice (first at " +
                              d.path("opsctl.yaml") + ":8:3)");
    }
    SUBCASE("a setting made in two files names both places") {
        d.write("policies/x.yaml", "site:\n  timezone: UTC\n");
        const auto lines = problems_of(d.dir);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0] == d.path("policies/x.yaml") + ":2:3: 'site.timezone' is set twice (first at " +
                              d.path("opsctl.yaml") + ":3:3)");
    }
    SUBCASE("wrong types and values") {
        d.write("policies/x.yaml", "calendar:\n  workdays: [mon, funday]\n  hours: [\"9-5\"]\n"
                                   "  holidays:\n    - {date: 2026-02-30, name: x}\n"
                                   "notify:\n  hooks:\n    pager:\n      command: []\n      timeout: soon\n");
        const auto lines = problems_of(d.dir);
        const std::string f = d.path("policies/x.yaml");
        CHECK(has(lines, f + ":2:13: unknown weekday 'funday' (use mon, tue, wed, thu, fri, sat, sun)"));
        CHECK(has(lines, f + ":3:10: working hours '9-5' must be a span HH:MM-HH:MM"));
        CHECK(has(lines, f + ":5:14: 'date' must be a date YYYY-MM-DD, not '2026-02-30'"));
        CHECK(has(lines, f + ":9:16: notify hook 'pager' has an empty command"));
        CHECK(has(lines, f + ":10:16: 'timeout' must be a duration such as 30m, 4h, 2d, 1w, 1mo or 5y, not 'soon'"));
    }
    SUBCASE("an unknown time zone") {
        d.write("opsctl.yaml", "site:\n  timezone: Asia/Shanghia\n");
        const auto lines = problems_of(d.dir);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0] == d.path("opsctl.yaml") +
                              ":2:13: unknown time zone 'Asia/Shanghia' (use an IANA name such as Asia/Shanghai)");
    }
    SUBCASE("YAML syntax errors carry the position") {
        d.write("policies/x.yaml", "people: [unclosed\n");
        const auto lines = problems_of(d.dir);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0].rfind(d.path("policies/x.yaml") + ":", 0) == 0);
    }
    SUBCASE("a workflow without states is reported, not a crash") {
        // Found by fuzz_policy: looking up the missing 'states' key threw YAML::InvalidNode.
        d.write("policies/x.yaml", "tickets:\n  workflows:\n    quick:\n      initial: open\n");
        const auto lines = problems_of(d.dir);
        CHECK(has(lines, d.path("policies/x.yaml") + ":4:7: workflow 'quick' has no 'states'"));
    }
    SUBCASE("a key repeated inside one mapping") {
        d.write("policies/x.yaml", "people:\n  bob:\n    name: a\n    name: b\n");
        const auto lines = problems_of(d.dir);
        CHECK(has(lines, d.path("policies/x.yaml") + ":4:5: key 'name' appears twice in person 'bob'"));
    }
}

TEST_CASE("missing directory or file is a configuration error with a hint") {
    PolicyDir d;
    CHECK_THROWS_AS(policy::load_policy(d.dir / "nope"), ConfigError);
    try {
        policy::load_policy(d.dir);
        FAIL("loaded a directory without opsctl.yaml");
    } catch (const ConfigError& e) {
        CHECK(std::string(e.what()).find("no opsctl.yaml") != std::string::npos);
        CHECK(e.hint().find("opsctl init") != std::string::npos);
    }
}

TEST_CASE("only the requested sections are validated") {
    PolicyDir d;
    d.write("opsctl.yaml", k_base);
    d.write("policies/x.yaml", "calendar:\n  workdays: [funday]\n");
    CHECK_NOTHROW(policy::load_policy(d.dir, policy::section::k_people));
    CHECK_THROWS_AS(policy::load_policy(d.dir, policy::section::k_calendar), ConfigError);
}

TEST_CASE("files of sections a command does not need are not parsed") {
    PolicyDir d;
    d.write("opsctl.yaml", k_base);
    // A syntax error in the checklists file: ticket commands (people, tickets, ...) still
    // run, while `policy check` (every section) reports it with its position.
    d.write("policies/checklists.yaml", "checklists:\n  daily: [unclosed\n");
    d.write("policies/both.yaml", "# two sections in one file\ncalendar:\n  workdays: [mon]\nreport: {}\n");
    SUBCASE("a file with only other sections is skipped") {
        const auto p = policy::load_policy(d.dir, policy::section::k_people);
        CHECK(p.people.size() == 2);
        CHECK(p.files.size() == 3);
    }
    SUBCASE("a file with one wanted section among others is parsed") {
        d.write("policies/both.yaml", "calendar:\n  workdays: [funday]\nreport: {}\n");
        CHECK_THROWS_AS(policy::load_policy(d.dir, policy::section::k_calendar), ConfigError);
    }
    SUBCASE("a file in flow style is always parsed") {
        d.write("policies/flow.yaml", "{checklists: {x: [}\n");
        CHECK_THROWS_AS(policy::load_policy(d.dir, policy::section::k_people), ConfigError);
    }
    SUBCASE("loading every section reports the broken file") {
        const auto lines = problems_of(d.dir);
        CHECK(std::any_of(lines.begin(), lines.end(),
                          [](const std::string& l) { return l.find("checklists.yaml:") != std::string::npos; }));
    }
}

TEST_CASE("effective policy shows the merged sections") {
    PolicyDir d;
    d.write("opsctl.yaml", k_base);
    d.write("policies/x.yaml", "people:\n  wangfang:\n    name: 王芳\n");
    const std::string yaml = policy::effective_policy_yaml(d.dir, "people");
    CHECK(yaml.find("zhangwei:") != std::string::npos);
    CHECK(yaml.find("wangfang:") != std::string::npos);
    CHECK(yaml.find("site:") == std::string::npos);
    CHECK_THROWS_AS(policy::effective_policy_yaml(d.dir, "peple"), UsageError);
}
