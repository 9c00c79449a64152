#include "lib/backup/command_job.hpp"
#include "lib/backup/placeholder.hpp"

#include "lib/core/error.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

using namespace opsctl;

TEST_CASE("placeholders in a backup job's commands are inert") {
    const std::map<std::string, std::string> values = {
        {"snapshot", "1a2b3c4d"}, {"target", "/srv/restore here"}, {"sneaky", "{{target}}"}};
    SUBCASE("a value is one piece of one argument, never split") {
        const auto argv = backup::expand_argv({"restic", "restore", "{{snapshot}}", "--target={{target}}"}, values);
        CHECK(argv == std::vector<std::string>{"restic", "restore", "1a2b3c4d", "--target=/srv/restore here"});
    }
    SUBCASE("a value holding a placeholder stays literal text") {
        CHECK(backup::expand_argv({"{{sneaky}}"}, values) == std::vector<std::string>{"{{target}}"});
    }
    SUBCASE("a value that could be read as an option is refused") {
        CHECK_THROWS_AS(backup::expand_argv({"{{x}}"}, {{"x", "--delete"}}), DataError);
        CHECK_THROWS_AS(backup::check_inert("x", "-r"), DataError);
    }
    SUBCASE("control characters and empty values are refused") {
        CHECK_THROWS_AS(backup::check_inert("x", "a\x1b[31m"), DataError);
        CHECK_THROWS_AS(backup::check_inert("x", "a\nb"), DataError);
        CHECK_THROWS_AS(backup::check_inert("x", ""), DataError);
        CHECK_NOTHROW(backup::check_inert("x", "中文 ok"));
    }
    SUBCASE("a placeholder without a value is an error") {
        CHECK_THROWS_AS(backup::expand_argv({"{{nope}}"}, values), DataError);
    }
}

TEST_CASE("a failing command's error keeps its last lines") {
    CHECK(backup::last_lines("a\nb\nc\n\n", 2) == "b\nc");
    CHECK(backup::last_lines("only", 20) == "only");
    CHECK(backup::last_lines("", 20).empty());
    std::string many;
    for (int i = 1; i <= 30; ++i) {
        many += "line " + std::to_string(i) + "\n";
    }
    const auto tail = backup::last_lines(many, 20);
    CHECK(tail.rfind("line 11\n", 0) == 0);
    CHECK(tail.find("line 30") != std::string::npos);
    CHECK(tail.find("line 10\n") == std::string::npos);
}

TEST_CASE("values are captured from a command's output") {
    policy::BackupJob job;
    job.name = "srv";
    job.command = {"restic", "backup", "/srv"};
    job.capture = {{"snapshot", "snapshot ([0-9a-f]{8,64}) saved"}};
    SUBCASE("the last match counts, its group is the value") {
        const auto json = backup::capture_values(job, "snapshot 11111111 saved\nFiles: 3\nsnapshot 2a2b2c2d saved\n");
        CHECK(json == R"({"snapshot":"2a2b2c2d"})");
    }
    SUBCASE("nothing found fails the run") {
        CHECK_THROWS_AS(backup::capture_values(job, "no snapshot here\n"), Failure);
    }
    SUBCASE("an over-long line is not searched (and cannot exhaust the stack)") {
        CHECK_THROWS_AS(backup::capture_values(job, std::string(2 << 20, 'a') + " snapshot 2a2b2c2d saved"), Failure);
    }
    SUBCASE("captured values reach the verify and restore commands") {
        store::BackupRunRow run;
        run.id = 7;
        run.job = "srv";
        run.path = "/var/backups/srv.log";
        run.captured = R"({"snapshot":"2a2b2c2d"})";
        const auto values = backup::run_values(run);
        CHECK(values.at("snapshot") == "2a2b2c2d");
        CHECK(values.at("run") == "7");
        CHECK(values.at("path") == "/var/backups/srv.log");
    }
}
