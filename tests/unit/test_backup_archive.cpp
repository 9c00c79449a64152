#include "lib/backup/archive.hpp"

#include "lib/backup/hash.hpp"
#include "lib/core/error.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using namespace opsctl;

namespace {

struct Scratch {
    fs::path dir;
    Scratch() {
        std::string t = (fs::temp_directory_path() / "opsctl-unit-XXXXXX").string();
        REQUIRE(::mkdtemp(t.data()) != nullptr);
        dir = t;
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

backup::ReadSpec into(const fs::path& target, std::vector<std::string> only = {}) {
    backup::ReadSpec spec;
    spec.target = target;
    spec.only = std::move(only);
    return spec;
}

backup::WrittenArchive make(const fs::path& archive, const backup::ArchiveSpec& spec) {
    const int fd = ::open(archive.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
    REQUIRE(fd >= 0);
    const auto w = backup::write_archive(fd, archive.string(), spec);
    ::close(fd);
    return w;
}

} // namespace

TEST_CASE("write_archive and read_archive") {
    Scratch s;
    const fs::path src = s.dir / "src";
    write(src / "a.txt", "alpha\n");
    write(src / "sub" / "b.txt", std::string(300000, 'b'));
    write(src / "sub" / "notes.swp", "swap");
    write(src / "中文.txt", "你好\n");
    fs::create_symlink("a.txt", src / "link");
    backup::ArchiveSpec spec;
    spec.sources = {src};
    spec.exclude = {"*.swp"};
    spec.label = "unit";
    const fs::path archive = s.dir / "out.tar.zst";
    const auto w = make(archive, spec);
    const std::string root = src.string().substr(1);

    SUBCASE("the manifest lists every member with its hash, and the archive hash is of the file") {
        CHECK(w.files == 6); // src, a.txt, link, sub, sub/b.txt, 中文.txt
        CHECK(w.source_bytes == 6 + 300000 + 7);
        const auto d = backup::hash_file(archive);
        CHECK(d.sha256 == w.sha256);
        CHECK(d.size == w.size_bytes);
        const auto check = backup::read_archive(archive, {});
        CHECK_MESSAGE(check.problems.empty(), (check.problems.empty() ? std::string() : check.problems.front()));
        CHECK(check.unsafe.empty());
        REQUIRE(check.has_manifest);
        CHECK(check.members == 6);
        CHECK(check.sha256 == w.sha256);
        bool saw_a = false;
        for (const auto& m : check.manifest) {
            CHECK(m.path.find("notes.swp") == std::string::npos);
            if (m.path == root + "/a.txt") {
                saw_a = true;
                CHECK(m.type == "file");
                CHECK(m.size == 6);
                // sha256("alpha\n")
                backup::Sha256 sha;
                sha.update("alpha\n", 6);
                CHECK(m.sha256 == sha.hex());
            }
        }
        CHECK(saw_a);
    }
    SUBCASE("extracting restores content, links and names, and matches the manifest") {
        const fs::path to = s.dir / "restore";
        fs::create_directories(to);
        const auto check = backup::read_archive(archive, into(to));
        CHECK_MESSAGE(check.problems.empty(), (check.problems.empty() ? std::string() : check.problems.front()));
        CHECK(read(to / root / "a.txt") == "alpha\n");
        CHECK(read(to / root / "中文.txt") == "你好\n");
        CHECK(fs::read_symlink(to / root / "link") == "a.txt");
        CHECK_FALSE(fs::exists(to / backup::k_manifest_member));
    }
    SUBCASE("--only restores just the chosen folder") {
        const fs::path to = s.dir / "only";
        fs::create_directories(to);
        const auto check = backup::read_archive(archive, into(to, {"/" + root + "/sub/"}));
        CHECK_MESSAGE(check.problems.empty(), (check.problems.empty() ? std::string() : check.problems.front()));
        CHECK(fs::exists(to / root / "sub" / "b.txt"));
        CHECK_FALSE(fs::exists(to / root / "a.txt"));
    }
    SUBCASE("a changed byte is noticed") {
        auto bytes = read(archive);
        bytes[bytes.size() / 2] ^= 0x55;
        write(archive, bytes);
        const auto check = backup::read_archive(archive, {});
        CHECK(check.sha256 != w.sha256);
    }
    SUBCASE("a truncated archive reports a problem") {
        fs::resize_file(archive, w.size_bytes / 2);
        const auto check = backup::read_archive(archive, into(s.dir));
        CHECK_FALSE(check.problems.empty());
    }
}

TEST_CASE("write_archive on a full disk fails with a clear message") {
    Scratch s;
    write(s.dir / "src" / "x", std::string(1 << 20, 'x'));
    const int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    backup::ArchiveSpec spec;
    spec.sources = {s.dir / "src"};
    try {
        backup::write_archive(fd, "backup.tar.zst", spec);
        FAIL("no error on a full disk");
    } catch (const Failure& e) {
        CHECK(std::string(e.what()).find("no space left") != std::string::npos);
    }
    ::close(fd);
}

TEST_CASE("unsafe_member refuses names and links that land outside the target") {
    CHECK_FALSE(backup::unsafe_member("etc/x", "", ""));
    CHECK(backup::unsafe_member("../x", "", ""));
    CHECK(backup::unsafe_member("a/../../x", "", ""));
    CHECK(backup::unsafe_member("/etc/x", "", ""));
    CHECK(backup::unsafe_member("link", "/etc/passwd", ""));
    CHECK(backup::unsafe_member("d/link", "../../x", ""));
    CHECK_FALSE(backup::unsafe_member("d/link", "../ok", ""));
    CHECK(backup::unsafe_member("h", "", "../x"));
    CHECK(backup::unsafe_member("h", "", "/etc/x"));
}

TEST_CASE("member_selected") {
    CHECK(backup::member_selected("etc/x/y", {}));
    CHECK(backup::member_selected("etc/x/y", {"/etc/x"}));
    CHECK(backup::member_selected("etc/x", {"etc/x/"}));
    CHECK_FALSE(backup::member_selected("etc/xy", {"etc/x"}));
}
