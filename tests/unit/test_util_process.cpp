#include "lib/util/process.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <string>
#include <unistd.h>

using namespace opsctl::util;

TEST_CASE("run_process runs argv without a shell") {
    SUBCASE("exit status and output") {
        const auto r = run_process({"sh", "-c", "echo out; echo err >&2; exit 3"});
        CHECK(r.exit_code == 3);
        CHECK(r.out == "out\n");
        CHECK(r.err == "err\n");
        CHECK_FALSE(r.timed_out);
    }
    SUBCASE("arguments are not interpreted by a shell") {
        const auto r = run_process({"echo", "$(id)", "; rm -rf /"});
        CHECK(r.out == "$(id) ; rm -rf /\n");
    }
    SUBCASE("stdin is given, or closed") {
        ProcessOptions o;
        o.stdin_data = "hello";
        CHECK(run_process({"cat"}, o).out == "hello");
        CHECK(run_process({"cat"}).out.empty()); // /dev/null: cat ends at once
    }
    SUBCASE("a missing program is reported, not thrown") {
        const auto r = run_process({"/nonexistent/program"});
        CHECK(r.spawn_failed);
        CHECK(r.err.find("cannot run") != std::string::npos);
    }
}

TEST_CASE("a command that never ends is killed with its whole process group") {
    ProcessOptions o;
    o.timeout_ms = 300;
    const auto start = std::chrono::steady_clock::now();
    // The child starts a grandchild that would hold the pipe open for a minute.
    const auto r = run_process({"sh", "-c", "sleep 60 & sleep 60"}, o);
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(r.timed_out);
    CHECK(took < std::chrono::seconds(5));
}

TEST_CASE("output is read up to a cap, and a flood cannot exhaust memory") {
    ProcessOptions o;
    o.max_output = 1000;
    o.timeout_ms = 10000;
    const auto r = run_process({"sh", "-c", "yes | head -c 5000000"}, o);
    CHECK(r.out.size() == 1000);
    CHECK(r.out_truncated);
    CHECK(r.exit_code == 0);
}

TEST_CASE("a minimal environment replaces ours") {
    ::setenv("OPSCTL_SECRET_FOR_TEST", "s3cret", 1);
    ProcessOptions o;
    o.env = minimal_environment();
    const auto r = run_process({"env"}, o);
    CHECK(r.out.find("OPSCTL_SECRET_FOR_TEST") == std::string::npos);
    CHECK(r.out.find("PATH=") != std::string::npos);
    ::unsetenv("OPSCTL_SECRET_FOR_TEST");
}

TEST_CASE("the child starts clean: own process group, no inherited descriptors, its cwd") {
    SUBCASE("it leads its own process group, so that a timeout reaches every descendant") {
        const auto r = run_process(
            {"sh", "-c",
             "read -r pid comm state ppid pgrp rest </proc/self/stat; [ \"$pgrp\" = \"$$\" ]"});
        CHECK(r.exit_code == 0);
    }
    SUBCASE("a descriptor opened without O_CLOEXEC (a database, a lock) is not inherited") {
        const int fd = ::open("/dev/null", O_RDONLY);
        REQUIRE(fd > 2);
        const auto r =
            run_process({"sh", "-c", "[ ! -e /proc/self/fd/" + std::to_string(fd) + " ]"});
        ::close(fd);
        CHECK(r.exit_code == 0);
    }
    SUBCASE("it runs in the given folder; a missing folder is reported, not thrown") {
        ProcessOptions o;
        o.cwd = "/tmp";
        CHECK(run_process({"pwd"}, o).out == "/tmp\n");
        o.cwd = "/nonexistent/folder";
        const auto r = run_process({"pwd"}, o);
        CHECK(r.spawn_failed);
        CHECK(r.err.find("cannot run 'pwd'") != std::string::npos);
    }
    SUBCASE("stdout can go to a file") {
        const std::string path = "/tmp/opsctl-unit-process-" + std::to_string(::getpid());
        ProcessOptions o;
        o.stdout_file = path;
        const auto r = run_process({"echo", "to a file"}, o);
        CHECK(r.exit_code == 0);
        CHECK(r.out.empty());
        FILE* f = std::fopen(path.c_str(), "r");
        REQUIRE(f != nullptr);
        char buf[64] = {};
        CHECK(std::fgets(buf, sizeof buf, f) != nullptr);
        std::fclose(f);
        ::unlink(path.c_str());
        CHECK(std::string(buf) == "to a file\n");
    }
}
