#include "lib/notify/notify.hpp"

#include "lib/core/log.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace opsctl;

namespace {

struct Scratch {
    fs::path dir;
    Scratch() {
        std::string t = (fs::temp_directory_path() / "opsctl-notify-XXXXXX").string();
        REQUIRE(::mkdtemp(t.data()) != nullptr);
        dir = t;
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

// Collects warnings instead of printing them, for the life of the test.
struct Warnings {
    std::vector<std::string> lines;
    Warnings() {
        core::set_warning_sink([this](const std::string& m) { lines.push_back(m); });
    }
    ~Warnings() { core::set_warning_sink({}); }
    std::string all() const {
        std::string out;
        for (const auto& l : lines) {
            out += l + "\n";
        }
        return out;
    }
};

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A hook that saves the event it is given on stdin to `file`.
policy::NotifyHook saving_hook(const std::string& name, const fs::path& file,
                               std::vector<std::string> events) {
    policy::NotifyHook h;
    h.name = name;
    h.command = {"sh", "-c", "cat >\"$1\"", "sh", file.string()};
    h.events = std::move(events);
    return h;
}

policy::NotifyHook command_hook(const std::string& name, std::vector<std::string> command) {
    policy::NotifyHook h;
    h.name = name;
    h.command = std::move(command);
    h.events = {"*"};
    return h;
}

constexpr std::int64_t k_at = 1791511200; // 2026-10-09T10:00:00+08:00

} // namespace

TEST_CASE("notify::emit hands the event to every hook that wants it") {
    Scratch s;
    Warnings w;
    policy::NotifyPolicy p;
    p.hooks["tickets"] = saving_hook("tickets", s.dir / "tickets.json", {"ticket.*"});
    p.hooks["all"] = saving_hook("all", s.dir / "all.json", {"*"});
    p.hooks["backups"] = saving_hook("backups", s.dir / "backups.json", {"backup.failed"});

    SUBCASE("the event arrives on stdin as one JSON object with kind, time, site and data") {
        const nlohmann::json data = {{"id", "T-12"}, {"title", "打印机卡纸"}, {"priority", "P2"}};
        CHECK(notify::emit(p, "总部机房", "ticket.created", data, k_at) == 2);
        const std::string text = read(s.dir / "tickets.json");
        CHECK(text.ends_with("}\n"));
        const auto event = nlohmann::json::parse(text);
        CHECK(event.at("kind") == "ticket.created");
        CHECK(event.at("at") == k_at);
        CHECK(event.at("site") == "总部机房");
        CHECK(event.at("data") == data);
        CHECK(nlohmann::json::parse(read(s.dir / "all.json")) == event);
        CHECK(w.lines.empty());
    }
    SUBCASE("a hook that did not ask for the kind is not run") {
        CHECK(notify::emit(p, "hq", "ticket.closed", nlohmann::json::object(), k_at) == 2);
        CHECK_FALSE(fs::exists(s.dir / "backups.json"));
        CHECK(notify::emit(p, "hq", "backup.failed", {{"job", "db"}}, k_at) == 2);
        CHECK(nlohmann::json::parse(read(s.dir / "backups.json")).at("data").at("job") == "db");
    }
    SUBCASE("no hook wants the kind: nothing runs") {
        p.hooks.erase("all");
        CHECK(notify::emit(p, "hq", "inspect.failed", nlohmann::json::object(), k_at) == 0);
        CHECK(fs::is_empty(s.dir));
    }
    SUBCASE("text that is not valid UTF-8 is replaced, never thrown") {
        const nlohmann::json data = {{"note", std::string("bad \xff byte")}};
        CHECK(notify::emit(p, "hq", "ticket.commented", data, k_at) == 2);
        const auto event = nlohmann::json::parse(read(s.dir / "tickets.json"));
        CHECK(event.at("data").at("note") == "bad \xef\xbf\xbd byte");
    }
}

TEST_CASE("notify::emit reports a failing hook without failing the command") {
    Scratch s;
    Warnings w;
    policy::NotifyPolicy p;
    p.hooks["good"] = saving_hook("good", s.dir / "good.json", {"*"});

    SUBCASE("a hook that exits non-zero: warned with its status and first error line") {
        p.hooks["broken"] = command_hook(
            "broken", {"sh", "-c", "echo 'mail server refused' >&2; echo more >&2; exit 3"});
        CHECK(notify::emit(p, "hq", "ticket.created", nlohmann::json::object(), k_at) == 1);
        REQUIRE(w.lines.size() == 1);
        CHECK(w.lines[0] == "notify hook 'broken' failed with exit status 3: mail server refused");
        CHECK(fs::exists(s.dir / "good.json")); // the other hook still got the event
    }
    SUBCASE("a program that does not exist: warned as not runnable") {
        p.hooks["missing"] = command_hook("missing", {"/nonexistent/send-alert"});
        CHECK(notify::emit(p, "hq", "ticket.created", nlohmann::json::object(), k_at) == 1);
        REQUIRE(w.lines.size() == 1);
        CHECK(w.lines[0].starts_with("notify hook 'missing' could not run"));
        CHECK(w.lines[0].find("/nonexistent/send-alert") != std::string::npos);
    }
    SUBCASE("a hook that hangs is stopped at its timeout and the command goes on") {
        auto slow = command_hook("slow", {"sh", "-c", "sleep 60 & sleep 60"});
        slow.timeout = core::Duration{1, 0, 0};
        p.hooks["slow"] = slow;
        const auto start = std::chrono::steady_clock::now();
        CHECK(notify::emit(p, "hq", "ticket.created", nlohmann::json::object(), k_at) == 1);
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
        CHECK(w.all() == "notify hook 'slow' timed out after 1s\n");
        CHECK(fs::exists(s.dir / "good.json"));
    }
}

TEST_CASE("notify hooks get a minimal environment, not opsctl's") {
    Scratch s;
    Warnings w;
    ::setenv("OPSCTL_NOTIFY_SECRET", "s3cret", 1);
    policy::NotifyPolicy p;
    p.hooks["env"] =
        command_hook("env", {"sh", "-c", "env >\"$1\"", "sh", (s.dir / "env.txt").string()});
    CHECK(notify::emit(p, "hq", "ticket.created", nlohmann::json::object(), k_at) == 1);
    const std::string env = read(s.dir / "env.txt");
    CHECK(env.find("OPSCTL_NOTIFY_SECRET") == std::string::npos);
    CHECK(env.find("PATH=") != std::string::npos);
    ::unsetenv("OPSCTL_NOTIFY_SECRET");
}

TEST_CASE("notify::wants matches exact kinds, '*' and prefixes") {
    CHECK(notify::wants({"*"}, "backup.failed"));
    CHECK(notify::wants({"ticket.created"}, "ticket.created"));
    CHECK_FALSE(notify::wants({"ticket.created"}, "ticket.closed"));
    CHECK(notify::wants({"ticket.*"}, "ticket.sla.breached"));
    CHECK_FALSE(notify::wants({"ticket.*"}, "tickets.created"));
    CHECK_FALSE(notify::wants({"ticket.*"}, "ticket"));
    CHECK_FALSE(notify::wants({}, "ticket.created"));
}
