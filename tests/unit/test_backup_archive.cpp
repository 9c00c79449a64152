#include "lib/backup/archive.hpp"

#include "lib/backup/hash.hpp"
#include "lib/core/error.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
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

TEST_CASE("unsafe_member refuses names that land outside the target, whatever symlinks point to") {
    CHECK_FALSE(backup::unsafe_member("etc/x", ""));
    CHECK_FALSE(backup::unsafe_member("etc/localtime", "")); // -> /usr/share/zoneinfo/...: a symlink is data
    CHECK(backup::unsafe_member("../x", ""));
    CHECK(backup::unsafe_member("a/../../x", ""));
    CHECK(backup::unsafe_member("/etc/x", ""));
    CHECK(backup::unsafe_member("", ""));
    CHECK(backup::unsafe_member("h", "../x"));
    CHECK(backup::unsafe_member("h", "/etc/x"));
    CHECK_FALSE(backup::unsafe_member("h", "etc/x"));
}

TEST_CASE("symlinks are archived and restored as symlinks, wherever they point") {
    Scratch s;
    const fs::path src = s.dir / "etc";
    write(src / "hostname", "web01\n");
    fs::create_symlink("/usr/share/zoneinfo/Asia/Shanghai", src / "localtime");
    fs::create_symlink("../../outside", src / "up");
    backup::ArchiveSpec spec;
    spec.sources = {src};
    const fs::path archive = s.dir / "etc.tar.zst";
    make(archive, spec);
    const std::string root = src.string().substr(1);
    const fs::path to = s.dir / "restore";
    fs::create_directories(to);
    const auto check = backup::read_archive(archive, into(to, {root + "/hostname"}));
    CHECK(check.unsafe.empty());
    CHECK_MESSAGE(check.problems.empty(), (check.problems.empty() ? std::string() : check.problems.front()));
    CHECK(read(to / root / "hostname") == "web01\n");
    fs::create_directories(s.dir / "all");
    const auto all = backup::read_archive(archive, into(s.dir / "all"));
    CHECK(all.unsafe.empty());
    CHECK(fs::read_symlink(s.dir / "all" / root / "localtime") == "/usr/share/zoneinfo/Asia/Shanghai");
    CHECK(fs::read_symlink(s.dir / "all" / root / "up") == "../../outside");
}

TEST_CASE("a job path that is a symlink is followed; symlinks below it are not") {
    Scratch s;
    write(s.dir / "real" / "data.txt", "payload\n");
    fs::create_symlink(s.dir / "real" / "data.txt", s.dir / "real" / "alias");
    fs::create_symlink(s.dir / "real", s.dir / "srv-data");
    backup::ArchiveSpec spec;
    spec.sources = {s.dir / "srv-data"};
    const fs::path archive = s.dir / "a.tar.zst";
    const auto w = make(archive, spec);
    CHECK(w.regular_files == 1);
    CHECK(w.files == 3); // the folder, alias, data.txt
    const std::string root = (s.dir / "srv-data").string().substr(1);
    const fs::path to = s.dir / "restore";
    fs::create_directories(to);
    const auto check = backup::read_archive(archive, into(to));
    CHECK_MESSAGE(check.problems.empty(), (check.problems.empty() ? std::string() : check.problems.front()));
    CHECK(fs::is_directory(fs::symlink_status(to / root)));
    CHECK(read(to / root / "data.txt") == "payload\n");
    CHECK(fs::is_symlink(to / root / "alias"));

    SUBCASE("only symlinks: no regular file counted") {
        fs::create_directories(s.dir / "links");
        fs::create_symlink("/etc/hostname", s.dir / "links" / "h");
        backup::ArchiveSpec only_links;
        only_links.sources = {s.dir / "links"};
        CHECK(make(s.dir / "b.tar.zst", only_links).regular_files == 0);
    }
}

TEST_CASE("sparse files keep their holes and are not read as zeros") {
    Scratch s;
    const fs::path file = s.dir / "src" / "disk.img";
    write(file, "");
    {
        const int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
        REQUIRE(fd >= 0);
        REQUIRE(::pwrite(fd, "head", 4, 0) == 4);
        REQUIRE(::pwrite(fd, "middle", 6, std::int64_t{8} << 30) == 6);
        REQUIRE(::ftruncate(fd, std::int64_t{16} << 30) == 0);
        ::close(fd);
    }
    backup::ArchiveSpec spec;
    spec.sources = {s.dir / "src"};
    const fs::path archive = s.dir / "sparse.tar.zst";
    const auto w = make(archive, spec);
    CHECK(w.size_bytes < (1 << 20));
    const std::string member = file.string().substr(1);
    const auto check = backup::read_archive(archive, {});
    CHECK_MESSAGE(check.problems.empty(), (check.problems.empty() ? std::string() : check.problems.front()));
    bool found = false;
    for (const auto& m : check.manifest) {
        if (m.path == member) {
            found = true;
            CHECK(m.sparse);
            CHECK(m.size == (std::int64_t{16} << 30));
            REQUIRE(m.regions.size() == 2);
            CHECK(m.regions[0].first == 0);
            CHECK(m.regions[1].first <= (std::int64_t{8} << 30));
        }
    }
    CHECK(found);
    const fs::path to = s.dir / "restore";
    fs::create_directories(to);
    const auto restored = backup::read_archive(archive, into(to));
    CHECK_MESSAGE(restored.problems.empty(), (restored.problems.empty() ? std::string() : restored.problems.front()));
    struct stat st {};
    REQUIRE(::stat((to / member).c_str(), &st) == 0);
    CHECK(st.st_size == (std::int64_t{16} << 30));
    CHECK(st.st_blocks * 512 < (16 << 20)); // holes stay holes
    const int fd = ::open((to / member).c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    char buf[6] = {};
    CHECK(::pread(fd, buf, 4, 0) == 4);
    CHECK(std::string(buf, 4) == "head");
    CHECK(::pread(fd, buf, 6, std::int64_t{8} << 30) == 6);
    CHECK(std::string(buf, 6) == "middle");
    ::close(fd);
}

TEST_CASE("a write error during extraction fails it and leaves no partial file") {
    Scratch s;
    std::string data(3 << 20, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) {
        data[i] = static_cast<char>((i * 2654435761U) >> 13);
    }
    write(s.dir / "src" / "big.bin", data);
    backup::ArchiveSpec spec;
    spec.sources = {s.dir / "src"};
    const fs::path archive = s.dir / "big.tar.zst";
    make(archive, spec);
    const fs::path to = s.dir / "restore";
    fs::create_directories(to);
    struct rlimit saved {};
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
    struct rlimit small = saved;
    small.rlim_cur = 1 << 20;
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
    const auto check = backup::read_archive(archive, into(to));
    ::setrlimit(RLIMIT_FSIZE, &saved);
    CHECK(check.write_failed);
    REQUIRE_FALSE(check.problems.empty());
    CHECK(check.problems.front().find("big.bin") != std::string::npos);
    CHECK(check.problems.front().find("EFBIG") != std::string::npos);
    CHECK_FALSE(fs::exists(to / (s.dir / "src" / "big.bin").string().substr(1)));
}

TEST_CASE("setuid and setgid bits are kept only when asked") {
    Scratch s;
    write(s.dir / "src" / "tool", "#!/bin/sh\n");
    fs::permissions(s.dir / "src" / "tool", static_cast<fs::perms>(04755));
    backup::ArchiveSpec spec;
    spec.sources = {s.dir / "src"};
    const fs::path archive = s.dir / "t.tar.zst";
    make(archive, spec);
    const std::string member = (s.dir / "src" / "tool").string().substr(1);
    auto spec_to = into(s.dir / "plain");
    fs::create_directories(s.dir / "plain");
    CHECK(backup::read_archive(archive, spec_to).problems.empty());
    struct stat st {};
    REQUIRE(::stat((s.dir / "plain" / member).c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0755);
    spec_to = into(s.dir / "kept");
    spec_to.setid = true;
    fs::create_directories(s.dir / "kept");
    CHECK(backup::read_archive(archive, spec_to).problems.empty());
    REQUIRE(::stat((s.dir / "kept" / member).c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 04755);
}

TEST_CASE("member_selected") {
    CHECK(backup::member_selected("etc/x/y", {}));
    CHECK(backup::member_selected("etc/x/y", {"/etc/x"}));
    CHECK(backup::member_selected("etc/x", {"etc/x/"}));
    CHECK_FALSE(backup::member_selected("etc/xy", {"etc/x"}));
}
