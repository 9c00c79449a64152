#include "lib/inspect/formats.hpp"

#include "lib/inspect/status.hpp"

#include <doctest/doctest.h>

#include <regex>
#include <set>
#include <sstream>

using namespace opsctl;
using namespace opsctl::inspect;

namespace {

RunReport sample_report() {
    RunReport rep;
    ChecklistRun run;
    run.run_id = 7;
    run.checklist = "daily";
    run.started_at = 1791511200;
    run.seconds = 0.25;
    run.targets = 1;
    auto add = [&](std::string item, std::optional<int> status, std::string message, std::string perf) {
        ItemResult r;
        r.checklist = "daily";
        r.item = std::move(item);
        r.target = "web\"1";
        r.status = status;
        r.message = std::move(message);
        r.perfdata = std::move(perf);
        r.duration_ms = 12;
        run.results.push_back(r);
    };
    add("root-disk", k_critical, "/ 98% used", "'used'=98%;90;97;0;100 'free'=1B;;;0;");
    add("memory", k_ok, "50% available", "'available'=50%;5;2;0;100");
    add("cables", std::nullopt, "waiting", "");
    run.status = k_critical;
    rep.runs.push_back(run);
    rep.status = k_critical;
    return rep;
}

} // namespace

TEST_CASE("prometheus text exposition") {
    std::ostringstream out;
    write_prometheus(sample_report(), out);
    const std::string text = out.str();
    std::istringstream in(text);
    std::string line;
    std::set<std::string> typed;
    std::string current;
    std::set<std::string> finished;
    const std::regex sample(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([a-z_]+="([^"\\\n]|\\.)*")(,[a-z_]+="([^"\\\n]|\\.)*")*\} -?[0-9.e+]+$)");
    while (std::getline(in, line)) {
        if (line.rfind("# HELP ", 0) == 0) {
            continue;
        }
        if (line.rfind("# TYPE ", 0) == 0) {
            std::istringstream l(line.substr(7));
            std::string name, type;
            l >> name >> type;
            CHECK(type == "gauge");
            // Each family appears once, its samples together.
            CHECK(typed.insert(name).second);
            if (!current.empty()) {
                finished.insert(current);
            }
            current = name;
            continue;
        }
        INFO(line);
        CHECK(std::regex_match(line, sample));
        const std::string name = line.substr(0, line.find('{'));
        CHECK(name == current);
        CHECK(finished.count(name) == 0);
    }
    CHECK(text.find("opsctl_inspect_item_status{checklist=\"daily\",item=\"root-disk\",target=\"web\\\"1\"} 2\n") !=
          std::string::npos);
    CHECK(text.find("opsctl_inspect_item_pending{checklist=\"daily\",item=\"cables\",target=\"web\\\"1\"} 1\n") !=
          std::string::npos);
    CHECK(text.find("opsctl_inspect_run_timestamp_seconds{checklist=\"daily\"} 1791511200\n") != std::string::npos);
    // Pending items have no status sample.
    CHECK(text.find("opsctl_inspect_item_status{checklist=\"daily\",item=\"cables\"") == std::string::npos);
}

TEST_CASE("nagios status line") {
    std::ostringstream out;
    write_nagios(sample_report(), out);
    const std::string text = out.str();
    CHECK(text.rfind("INSPECT CRITICAL - daily: 1 critical, 1 ok, 1 pending (root-disk CRITICAL: / 98% used)", 0) == 0);
    CHECK(text.find(" | 'root-disk.used'=98%;90;97;0;100 'root-disk.free'=1B;;;0; 'memory.available'=50%;5;2;0;100\n") !=
          std::string::npos);
    CHECK(std::count(text.begin(), text.end(), '\n') == 1);
}

TEST_CASE("junit xml") {
    std::ostringstream out;
    write_junit(sample_report(), core::Zone("UTC"), out);
    const std::string text = out.str();
    CHECK(text.find("<testsuite name=\"daily\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\"") !=
          std::string::npos);
    CHECK(text.find("classname=\"daily.web&quot;1\" name=\"root-disk\"") != std::string::npos);
    CHECK(text.find("<failure type=\"CRITICAL\" message=\"/ 98% used\">") != std::string::npos);
    CHECK(text.find("<skipped message=\"waiting\"/>") != std::string::npos);
}

TEST_CASE("perfdata tokens keep quoted labels whole") {
    const auto t = split_perfdata("'a b'=1;2;3 c=4  d=5");
    REQUIRE(t.size() == 3);
    CHECK(t[0] == "'a b'=1;2;3");
    CHECK(t[2] == "d=5");
}
