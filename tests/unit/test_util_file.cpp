#include "lib/util/file.hpp"

#include "lib/core/error.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/resource.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace opsctl;

namespace {

fs::path scratch_folder() {
    fs::path dir = fs::temp_directory_path() / ("opsctl-file-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::size_t entries(const fs::path& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) {
        ++n;
    }
    return n;
}

} // namespace

TEST_CASE("AtomicFile writes whole files and never through a planted name") {
    const fs::path dir = scratch_folder();
    const fs::path target = dir / "review.md";

    SUBCASE("the file appears only on commit, with its mode") {
        {
            util::AtomicFile f(target, 0640);
            f.write("first ");
            f.write("second");
            CHECK_FALSE(fs::exists(target));
            f.commit();
        }
        CHECK(slurp(target) == "first second");
        CHECK((fs::status(target).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read));
        CHECK(entries(dir) == 1);
    }
    SUBCASE("without commit nothing is left behind and the old file stays") {
        util::write_file_atomic(target, "old");
        {
            util::AtomicFile f(target);
            f.write("new");
        }
        CHECK(slurp(target) == "old");
        CHECK(entries(dir) == 1);
    }
    SUBCASE("a symlink planted at the target is replaced, not written through") {
        const fs::path victim = dir / "victim";
        util::write_file_atomic(victim, "precious");
        fs::create_symlink(victim, target);
        util::write_file_atomic(target, "report");
        CHECK(slurp(victim) == "precious");
        CHECK_FALSE(fs::is_symlink(target));
        CHECK(slurp(target) == "report");
    }
    SUBCASE("a folder that does not exist is a Failure naming the target") {
        try {
            util::write_file_atomic(dir / "no" / "such.md", "x");
            FAIL("expected a failure");
        } catch (const Failure& e) {
            CHECK(std::string(e.what()).find("such.md") != std::string::npos);
        }
    }
    fs::remove_all(dir);
}

TEST_CASE("write_file_atomic from a stream") {
    const fs::path dir = scratch_folder();
    const fs::path target = dir / "export.csv";

    SUBCASE("what the producer writes appears whole, with the mode asked for") {
        const std::string row(1000, 'x');
        util::write_file_atomic(target, 0600, [&](std::ostream& out) {
            for (int i = 0; i < 200; ++i) {
                out << row << '\n';
            }
        });
        CHECK(fs::file_size(target) == 200 * 1001);
        CHECK((fs::status(target).permissions() & fs::perms::all) ==
              (fs::perms::owner_read | fs::perms::owner_write));
        CHECK(entries(dir) == 1);
    }
    SUBCASE("a producer that throws leaves the old file and no temporary one") {
        util::write_file_atomic(target, "old");
        CHECK_THROWS_AS(util::write_file_atomic(target, 0600,
                                                [](std::ostream& out) {
                                                    out << std::string(200000, 'y');
                                                    throw DataError("stop");
                                                }),
                        DataError);
        CHECK(slurp(target) == "old");
        CHECK(entries(dir) == 1);
    }
    SUBCASE("temporary names are random and carry the suffix asked for") {
        const fs::path a = util::random_temp_name(target, "partial");
        const fs::path b = util::random_temp_name(target, "partial");
        CHECK(a != b);
        CHECK(a.parent_path() == dir);
        CHECK(a.filename().string().rfind(".export.csv.", 0) == 0);
        CHECK(a.filename().string().size() ==
              std::string(".export.csv.").size() + 16 + std::string(".partial").size());
    }
    fs::remove_all(dir);
}

TEST_CASE("write_file_atomic fails on a short write and leaves nothing") {
    // A file size limit makes write(2) fail part way through, as a full disk does.
    const fs::path dir = scratch_folder();
    struct rlimit old_limit {};
    ::getrlimit(RLIMIT_FSIZE, &old_limit);
    struct rlimit small = old_limit;
    small.rlim_cur = 4096;
    // Writing past the limit raises SIGXFSZ; ignored, the write fails with EFBIG instead.
    auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
    bool failed = false;
    std::string message;
    try {
        util::write_file_atomic(dir / "big.csv", 0600,
                                [](std::ostream& out) { out << std::string(100000, 'z'); });
    } catch (const Failure& e) {
        failed = true;
        message = e.what();
    }
    ::setrlimit(RLIMIT_FSIZE, &old_limit);
    ::signal(SIGXFSZ, old_handler);
    CHECK(failed);
    CHECK(message.find("big.csv") != std::string::npos);
    CHECK(entries(dir) == 0);
    fs::remove_all(dir);
}
