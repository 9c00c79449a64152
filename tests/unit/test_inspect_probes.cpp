#include "lib/inspect/probes.hpp"

#include "lib/inspect/status.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

using namespace opsctl;
using namespace opsctl::inspect;
using policy::ChecklistItem;
using policy::ItemKind;
using policy::Threshold;

namespace {

Threshold percent(double p) { return Threshold{Threshold::Unit::percent, p / 100.0}; }
Threshold bytes(double b) { return Threshold{Threshold::Unit::bytes, b}; }
Threshold number(double n) { return Threshold{Threshold::Unit::number, n}; }

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        char tmpl[] = "/tmp/opsctl-probe-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

void write(const std::filesystem::path& p, const std::string& text, bool append = false) {
    std::ofstream out(p, append ? std::ios::app : std::ios::trunc);
    out << text;
}

} // namespace

TEST_CASE("disk thresholds on used percent, free bytes and inodes") {
    ChecklistItem item;
    item.kind = ItemKind::disk;
    item.path = "/";
    DiskUsage u{100e9, 20e9, 0.80, 1000, 0.10};
    SUBCASE("below the limits is OK and perfdata carries them") {
        item.warn = percent(85);
        item.crit = percent(95);
        const auto r = judge_disk(u, item);
        CHECK(r.status == k_ok);
        CHECK(r.message.find("80% used") != std::string::npos);
        CHECK(r.perfdata.find("'used'=80%;85;95;0;100") == 0);
    }
    SUBCASE("used percent at the warning limit warns") {
        item.warn = percent(80);
        item.crit = percent(95);
        CHECK(judge_disk(u, item).status == k_warning);
    }
    SUBCASE("free bytes under the critical size is critical") {
        item.warn = bytes(50e9);
        item.crit = bytes(30e9);
        CHECK(judge_disk(u, item).status == k_critical);
    }
    SUBCASE("inodes count too") {
        item.inodes_warn = 0.05;
        CHECK(judge_disk(u, item).status == k_warning);
    }
}

TEST_CASE("memory, swap and load") {
    const auto mem = parse_meminfo("MemTotal:       1000 kB\nMemFree:         100 kB\nMemAvailable:    40 kB\n"
                                   "SwapTotal:      2000 kB\nSwapFree:       1000 kB\n");
    CHECK(mem.total == 1000 * 1024.0);
    CHECK(mem.available == 40 * 1024.0);
    ChecklistItem item;
    SUBCASE("available memory below the limit") {
        item.kind = ItemKind::memory;
        item.warn = percent(10);
        item.crit = percent(2);
        const auto r = judge_memory(mem, item);
        CHECK(r.status == k_warning);
        CHECK(r.message.find("4% available") == 0);
    }
    SUBCASE("swap used above the limit") {
        item.kind = ItemKind::swap;
        item.warn = percent(40);
        item.crit = percent(50);
        CHECK(judge_swap(mem, item).status == k_critical);
    }
    SUBCASE("no swap is fine") {
        item.kind = ItemKind::swap;
        item.crit = percent(1);
        CHECK(judge_swap(MemoryInfo{1, 1, 0, 0}, item).status == k_ok);
    }
    SUBCASE("load is judged per CPU") {
        item.kind = ItemKind::load;
        item.warn = number(2);
        item.crit = number(4);
        CHECK(judge_load(7.9, 4, item).status == k_ok);
        CHECK(judge_load(8.0, 4, item).status == k_warning);
        CHECK(judge_load(16.0, 4, item).status == k_critical);
    }
}

TEST_CASE("monitoring plugin output") {
    SUBCASE("exit code, first line and perfdata") {
        const auto r = parse_plugin_output(1, "DISK WARNING - free space: / 10% | /=90%;80;95\nmore text\n", "");
        CHECK(r.status == k_warning);
        CHECK(r.message == "DISK WARNING - free space: / 10%");
        CHECK(r.perfdata == "/=90%;80;95");
    }
    SUBCASE("perfdata in the long output is kept") {
        const auto r = parse_plugin_output(0, "OK | a=1\nline two | b=2\n", "");
        CHECK(r.perfdata == "a=1 b=2");
    }
    SUBCASE("exit codes above 3 are UNKNOWN") {
        const auto r = parse_plugin_output(127, "", "sh: nope: not found\n");
        CHECK(r.status == k_unknown);
        CHECK(r.message == "exit status 127: sh: nope: not found");
    }
}

TEST_CASE("statuses rank CRITICAL above UNKNOWN") {
    CHECK(worse(k_ok, k_warning) == k_warning);
    CHECK(worse(k_unknown, k_warning) == k_unknown);
    CHECK(worse(k_critical, k_unknown) == k_critical);
    CHECK(worse(k_unknown, k_critical) == k_critical);
    CHECK(parse_status_word("fail") == k_critical);
    CHECK(parse_status_word("WARN") == k_warning);
    CHECK_FALSE(parse_status_word("maybe"));
}

TEST_CASE("file_age takes the newest match of a glob") {
    TempDir dir;
    write(dir.path / "a.bak", "x");
    write(dir.path / "b.bak", "y");
    const auto now = static_cast<std::int64_t>(::time(nullptr));
    std::filesystem::last_write_time(dir.path / "a.bak",
                                     std::filesystem::file_time_type::clock::now() - std::chrono::hours(50));
    std::filesystem::last_write_time(dir.path / "b.bak",
                                     std::filesystem::file_time_type::clock::now() - std::chrono::hours(30));
    ChecklistItem item;
    item.kind = ItemKind::file_age;
    item.path = (dir.path / "*.bak").string();
    item.max_age = core::Duration{0, 2, 0};
    item.warn_age = core::Duration{0, 1, 0};
    ProbeInput in;
    in.now = now;
    SUBCASE("newest is 30 hours old: warning") {
        const auto r = run_probe(item, in).result;
        CHECK(r.status == k_warning);
        CHECK(r.message.find("b.bak") != std::string::npos);
    }
    SUBCASE("nothing matches: critical") {
        item.path = (dir.path / "*.zst").string();
        CHECK(run_probe(item, in).result.status == k_critical);
    }
}

TEST_CASE("log_scan reads only new lines and notices rotation") {
    TempDir dir;
    const auto log = dir.path / "app.log";
    write(log, "start\nERROR one\nfine\n");
    ChecklistItem item;
    item.kind = ItemKind::log_scan;
    item.path = log.string();
    item.pattern = "ERROR";
    item.warn = number(1);
    item.crit = number(3);
    ProbeInput in;
    auto first = run_probe(item, in);
    CHECK(first.result.status == k_warning);
    CHECK(first.result.message.find("1 of 3 new lines") == 0);
    REQUIRE(first.cursor);

    SUBCASE("a second run sees only what was added, and a partial line waits") {
        write(log, "ERROR two\nERROR three\nERROR four\nERROR half", true);
        in.cursor = &*first.cursor;
        auto second = run_probe(item, in);
        CHECK(second.result.status == k_critical);
        CHECK(second.result.message.find("3 of 3 new lines") == 0);
        in.cursor = &*second.cursor;
        write(log, " done\n", true);
        auto third = run_probe(item, in);
        CHECK(third.result.message.find("1 of 1 new line ") == 0);
    }
    SUBCASE("nothing new is OK") {
        in.cursor = &*first.cursor;
        CHECK(run_probe(item, in).result.status == k_ok);
    }
    SUBCASE("a rotated file is read from the start") {
        std::filesystem::rename(log, dir.path / "app.log.1");
        write(log, "ERROR after rotation\n");
        in.cursor = &*first.cursor;
        const auto r = run_probe(item, in).result;
        CHECK(r.status == k_warning);
        CHECK(r.message.find("rotated") != std::string::npos);
    }
    SUBCASE("a missing file has the status the policy says") {
        item.path = (dir.path / "nope.log").string();
        item.missing_status = k_ok;
        CHECK(run_probe(item, in).result.status == k_ok);
    }
}

TEST_CASE("tcp connects to a listening port and fails on a closed one") {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd, 4) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ChecklistItem item;
    item.kind = ItemKind::tcp;
    item.host = "127.0.0.1";
    item.port = std::to_string(ntohs(addr.sin_port));
    ProbeInput in;
    in.timeout_ms = 2000;
    CHECK(run_probe(item, in).result.status == k_ok);
    ::close(fd);
    CHECK(run_probe(item, in).result.status == k_critical);
}

TEST_CASE("command items run without a shell and honour the timeout") {
    ChecklistItem item;
    item.kind = ItemKind::command;
    ProbeInput in;
    in.timeout_ms = 5000;
    SUBCASE("argv is passed as is") {
        item.command = {"/bin/echo", "WARNING - $HOME is not expanded | x=1"};
        const auto r = run_probe(item, in).result;
        CHECK(r.status == k_ok);
        CHECK(r.message == "WARNING - $HOME is not expanded");
        CHECK(r.perfdata == "x=1");
    }
    SUBCASE("shell only when asked, exit code read as a plugin's") {
        item.shell = true;
        item.command = {"echo CRITICAL - down; exit 2"};
        const auto r = run_probe(item, in).result;
        CHECK(r.status == k_critical);
        CHECK(r.message == "CRITICAL - down");
    }
    SUBCASE("a timeout gives the policy's status") {
        item.command = {"sleep", "30"};
        item.on_timeout = k_unknown;
        in.timeout_ms = 200;
        const auto r = run_probe(item, in).result;
        CHECK(r.status == k_unknown);
        CHECK(r.message.find("timed out") == 0);
    }
    SUBCASE("a missing program is UNKNOWN") {
        item.command = {"/nonexistent/check_x"};
        CHECK(run_probe(item, in).result.status == k_unknown);
    }
}
