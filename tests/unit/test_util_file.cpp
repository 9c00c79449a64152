#include "lib/util/file.hpp"

#include "lib/core/error.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
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
