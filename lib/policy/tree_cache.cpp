#include "lib/policy/tree_cache.hpp"

#include "lib/util/file.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <functional>
#include <optional>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace opsctl::policy {

namespace fs = std::filesystem;

namespace {

// The version of the entry format (node.cpp's encoding follows the header).
constexpr std::string_view k_magic = "opsctl-policy-tree 2\n";
// An entry far larger than a policy file's tree is not trusted.
constexpr std::size_t k_max_entry = 16 * 1024 * 1024;

std::uint64_t fnv1a(std::string_view s) {
    std::uint64_t h = 14695981039346656037ull;
    for (const unsigned char c : s) {
        h = (h ^ c) * 1099511628211ull;
    }
    return h;
}

void put_u64(std::string& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) {
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    }
}

// The identity of a file's bytes: its size and two unrelated 64-bit hashes, computed once.
struct ContentKey {
    std::uint64_t size;
    std::uint64_t fnv;
    std::uint64_t std_hash;

    explicit ContentKey(const std::string& text)
        : size(text.size()), fnv(fnv1a(text)), std_hash(std::hash<std::string_view>{}(text)) {}

    // As stored at the head of an entry.
    std::string bytes() const {
        std::string key;
        put_u64(key, size);
        put_u64(key, fnv);
        put_u64(key, std_hash);
        return key;
    }

    // Named by the content, not the file's path: a file moved or shared by several policy
    // directories has one entry, and entries are only ever added for new contents.
    fs::path entry_path(const fs::path& dir) const { return dir / fmt::format("{:016x}{:016x}.node", fnv, std_hash); }
};

} // namespace

fs::path tree_cache_dir() {
    if (const char* env = std::getenv("OPSCTL_CACHE_DIR"); env && *env) {
        return std::string_view(env) == "off" ? fs::path() : fs::path(env);
    }
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
        return fs::path(xdg) / "opsctl" / "policy";
    }
    if (const char* home = std::getenv("HOME"); home && *home) {
        return fs::path(home) / ".cache" / "opsctl" / "policy";
    }
    return {};
}

std::optional<Document> cached_document(const fs::path& dir, const std::string& text) {
    if (dir.empty()) {
        return std::nullopt;
    }
    const ContentKey content(text);
    const int fd = ::open(content.entry_path(dir).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        return std::nullopt;
    }
    std::string bytes;
    struct stat st {};
    // Only an entry this user wrote is trusted.
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
        static_cast<std::size_t>(st.st_size) <= k_max_entry) {
        bytes = util::read_bounded(fd, static_cast<std::size_t>(st.st_size), k_max_entry).value_or("");
        if (bytes.size() > k_max_entry) {
            bytes.clear();
        }
    }
    ::close(fd);
    const std::string key = content.bytes();
    const std::size_t head = k_magic.size() + key.size();
    if (bytes.size() < head || bytes.compare(0, k_magic.size(), k_magic) != 0 ||
        bytes.compare(k_magic.size(), key.size(), key) != 0) {
        return std::nullopt;
    }
    return Document::decode(std::string_view(bytes).substr(head));
}

void store_document(const fs::path& dir, const std::string& text, const Document& doc) {
    if (dir.empty()) {
        return;
    }
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        return;
    }
    const ContentKey content(text);
    const std::string bytes = std::string(k_magic) + content.bytes() + doc.encode();
    const fs::path target = content.entry_path(dir);
    // Written aside and renamed: a reader sees the old entry or the new one, never half.
    const fs::path temp = target.string() + fmt::format(".{}.tmp", ::getpid());
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        return;
    }
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n <= 0) {
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    const bool ok = ::close(fd) == 0 && done == bytes.size();
    if (!ok || ::rename(temp.c_str(), target.c_str()) != 0) {
        ::unlink(temp.c_str());
    }
}

} // namespace opsctl::policy
