#include "lib/policy/tree_cache.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <functional>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace opsctl::policy {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_magic = "opsctl-policy-tree 1\n";
// A policy file is a page of settings; a tree far larger than that (aliases expanding) is
// not kept, and a cache entry deeper or larger than that is not trusted.
constexpr std::size_t k_max_nodes = 100000;
constexpr int k_max_depth = 64;
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

void put_u32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) {
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    }
}

void put_text(std::string& out, const std::string& s) {
    put_u32(out, static_cast<std::uint32_t>(s.size()));
    out += s;
}

// The identity of a file's bytes: its size and two unrelated 64-bit hashes.
std::string content_key(const std::string& text) {
    std::string key;
    put_u64(key, text.size());
    put_u64(key, fnv1a(text));
    put_u64(key, std::hash<std::string_view>{}(text));
    return key;
}

bool encode(const YAML::Node& node, std::string& out, std::size_t& count) {
    if (++count > k_max_nodes) {
        return false;
    }
    switch (node.Type()) {
    case YAML::NodeType::Scalar:
        out.push_back('S');
        put_text(out, node.Tag());
        put_text(out, node.Scalar());
        return true;
    case YAML::NodeType::Sequence:
        out.push_back('Q');
        put_text(out, node.Tag());
        put_u32(out, static_cast<std::uint32_t>(node.size()));
        for (const auto& child : node) {
            if (!encode(child, out, count)) {
                return false;
            }
        }
        return true;
    case YAML::NodeType::Map:
        out.push_back('M');
        put_text(out, node.Tag());
        put_u32(out, static_cast<std::uint32_t>(node.size()));
        for (auto it = node.begin(); it != node.end(); ++it) {
            if (!encode(it->first, out, count) || !encode(it->second, out, count)) {
                return false;
            }
        }
        return true;
    case YAML::NodeType::Null:
        out.push_back('N');
        put_text(out, node.Tag());
        return true;
    case YAML::NodeType::Undefined:
        return false;
    }
    return false;
}

class Decoder {
public:
    explicit Decoder(std::string_view bytes) : m_bytes(bytes) {}

    bool done() const { return m_pos == m_bytes.size(); }

    bool u32(std::uint32_t& v) {
        if (m_bytes.size() - m_pos < 4) {
            return false;
        }
        v = 0;
        for (int i = 0; i < 4; ++i) {
            v |= std::uint32_t(static_cast<unsigned char>(m_bytes[m_pos + i])) << (8 * i);
        }
        m_pos += 4;
        return true;
    }

    bool text(std::string& s) {
        std::uint32_t n = 0;
        if (!u32(n) || m_bytes.size() - m_pos < n) {
            return false;
        }
        s.assign(m_bytes.data() + m_pos, n);
        m_pos += n;
        return true;
    }

    std::optional<YAML::Node> node(int depth) {
        if (depth > k_max_depth || m_pos >= m_bytes.size() || ++m_count > k_max_nodes) {
            return std::nullopt;
        }
        const char type = m_bytes[m_pos++];
        std::string tag;
        if (!text(tag)) {
            return std::nullopt;
        }
        YAML::Node n;
        std::uint32_t size = 0;
        switch (type) {
        case 'S': {
            std::string value;
            if (!text(value)) {
                return std::nullopt;
            }
            n = YAML::Node(value);
            break;
        }
        case 'Q':
            if (!u32(size)) {
                return std::nullopt;
            }
            n = YAML::Node(YAML::NodeType::Sequence);
            for (std::uint32_t i = 0; i < size; ++i) {
                auto child = node(depth + 1);
                if (!child) {
                    return std::nullopt;
                }
                n.push_back(*child);
            }
            break;
        case 'M':
            if (!u32(size)) {
                return std::nullopt;
            }
            n = YAML::Node(YAML::NodeType::Map);
            for (std::uint32_t i = 0; i < size; ++i) {
                auto key = node(depth + 1);
                if (!key) {
                    return std::nullopt;
                }
                auto value = node(depth + 1);
                if (!value) {
                    return std::nullopt;
                }
                // force_insert keeps repeated keys, as the parser does, so that they are still
                // reported.
                n.force_insert(*key, *value);
            }
            break;
        case 'N':
            n = YAML::Node(YAML::NodeType::Null);
            break;
        default:
            return std::nullopt;
        }
        n.SetTag(tag);
        return n;
    }

    // Decodes one node into `n`, a node of the tree being built. Scalars, sequences and maps
    // with plain keys are created inside the root's node memory: a node built on its own and
    // then inserted (as node() does) merges its memory into its parent's, and those merges
    // made decoding cost about 5,000 instructions a node.
    bool fill(YAML::Node n, int depth) {
        if (depth > k_max_depth || m_pos >= m_bytes.size() || ++m_count > k_max_nodes) {
            return false;
        }
        const char type = m_bytes[m_pos++];
        std::string tag;
        if (!text(tag)) {
            return false;
        }
        std::uint32_t size = 0;
        switch (type) {
        case 'S': {
            std::string value;
            if (!text(value)) {
                return false;
            }
            n = value;
            break;
        }
        case 'Q':
            if (!u32(size)) {
                return false;
            }
            if (size == 0) {
                n = YAML::Node(YAML::NodeType::Sequence);
            }
            for (std::size_t i = 0; i < size; ++i) {
                if (!fill(n[i], depth + 1)) {
                    return false;
                }
            }
            break;
        case 'M':
            if (!u32(size) || !fill_map(n, size, depth)) {
                return false;
            }
            break;
        case 'N':
            n = YAML::Node(YAML::NodeType::Null);
            break;
        default:
            return false;
        }
        n.SetTag(tag);
        return true;
    }

    /// A node in the same node memory as the tree being built (see fill()).
    YAML::Node fresh_node() {
        if (m_pooled == 0) {
            m_pool = YAML::Node(YAML::NodeType::Sequence);
        }
        YAML::Node n = m_pool[m_pooled++];
        n.SetTag(""); // defined, so that the pool can grow past it
        return n;
    }

private:
    bool fill_map(YAML::Node n, std::uint32_t size, int depth) {
        if (size == 0) {
            n = YAML::Node(YAML::NodeType::Map);
            return true;
        }
        for (std::uint32_t i = 0; i < size; ++i) {
            // The key is made in the tree's memory too and inserted by identity: no merge,
            // no comparison with the keys before it, and a repeated key is kept as the parser
            // keeps it, so that it is still reported.
            YAML::Node key = fresh_node();
            if (!fill(key, depth + 1) || !fill(n[key], depth + 1)) {
                return false;
            }
        }
        return true;
    }

    // Nodes made for keys and the root: elements of one sequence, which no tree refers to.
    YAML::Node m_pool;
    std::size_t m_pooled = 0;
    std::string_view m_bytes;
    std::size_t m_pos = 0;
    std::size_t m_count = 0;
};

// Named by the content, not the file's path: a file moved or shared by several policy
// directories has one entry, and entries are only ever added for new contents.
fs::path entry_path(const fs::path& dir, const std::string& text) {
    return dir / fmt::format("{:016x}{:016x}.tree", fnv1a(text), std::hash<std::string_view>{}(text));
}

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

std::optional<std::string> encode_tree(const YAML::Node& root) {
    std::string out;
    std::size_t count = 0;
    if (!encode(root, out, count)) {
        return std::nullopt;
    }
    return out;
}

std::optional<YAML::Node> decode_tree(const std::string& bytes) {
    Decoder d(bytes);
    YAML::Node root = d.fresh_node();
    if (!d.fill(root, 0) || !d.done()) {
        return std::nullopt;
    }
    return root;
}

std::optional<YAML::Node> cached_tree(const fs::path& dir, const std::string& text) {
    if (dir.empty()) {
        return std::nullopt;
    }
    const int fd = ::open(entry_path(dir, text).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        return std::nullopt;
    }
    std::string bytes;
    struct stat st {};
    // Only an entry this user wrote is trusted.
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
        static_cast<std::size_t>(st.st_size) <= k_max_entry) {
        bytes.resize(static_cast<std::size_t>(st.st_size));
        std::size_t got = 0;
        while (got < bytes.size()) {
            const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
            if (n <= 0) {
                break;
            }
            got += static_cast<std::size_t>(n);
        }
        bytes.resize(got);
    }
    ::close(fd);
    const std::string key = content_key(text);
    const std::size_t head = k_magic.size() + key.size();
    if (bytes.size() < head || bytes.compare(0, k_magic.size(), k_magic) != 0 ||
        bytes.compare(k_magic.size(), key.size(), key) != 0) {
        return std::nullopt;
    }
    return decode_tree(bytes.substr(head));
}

void store_tree(const fs::path& dir, const std::string& text, const YAML::Node& root) {
    if (dir.empty()) {
        return;
    }
    const auto tree = encode_tree(root);
    if (!tree) {
        return;
    }
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        return;
    }
    const std::string bytes = std::string(k_magic) + content_key(text) + *tree;
    const fs::path target = entry_path(dir, text);
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
