#include "lib/backup/archive.hpp"

#include "lib/backup/hash.hpp"
#include "lib/core/error.hpp"
#include "lib/util/dynlib.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fnmatch.h>
#include <map>
#include <set>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace opsctl::backup {

namespace {

// libarchive is opened on first use rather than linked: with the libraries it pulls in, it
// would otherwise be loaded at the start of every command, including those that never touch
// an archive. <archive.h> still gives the types and constants; the functions come from here.
#define OPSCTL_LIBARCHIVE_FUNCTIONS(X) \
    X(archive_entry_copy_stat) \
    X(archive_entry_filetype) \
    X(archive_entry_free) \
    X(archive_entry_hardlink) \
    X(archive_entry_new) \
    X(archive_entry_pathname) \
    X(archive_entry_set_filetype) \
    X(archive_entry_set_gname) \
    X(archive_entry_set_mtime) \
    X(archive_entry_set_pathname) \
    X(archive_entry_set_perm) \
    X(archive_entry_set_size) \
    X(archive_entry_set_symlink) \
    X(archive_entry_set_uname) \
    X(archive_entry_symlink) \
    X(archive_error_string) \
    X(archive_read_data_block) \
    X(archive_read_data_skip) \
    X(archive_read_free) \
    X(archive_read_new) \
    X(archive_read_next_header) \
    X(archive_read_open) \
    X(archive_read_support_filter_none) \
    X(archive_read_support_filter_zstd) \
    X(archive_read_support_format_tar) \
    X(archive_set_error) \
    X(archive_write_add_filter_zstd) \
    X(archive_write_close) \
    X(archive_write_data) \
    X(archive_write_data_block) \
    X(archive_write_disk_new) \
    X(archive_write_disk_set_options) \
    X(archive_write_finish_entry) \
    X(archive_write_free) \
    X(archive_write_header) \
    X(archive_write_new) \
    X(archive_write_open) \
    X(archive_write_set_bytes_in_last_block) \
    X(archive_write_set_bytes_per_block) \
    X(archive_write_set_filter_option) \
    X(archive_write_set_format_pax_restricted)

struct LibArchive {
#define OPSCTL_LIBARCHIVE_SLOT(name) decltype(&::name) name = nullptr;
    OPSCTL_LIBARCHIVE_FUNCTIONS(OPSCTL_LIBARCHIVE_SLOT)
#undef OPSCTL_LIBARCHIVE_SLOT
};

// Resolved once, on the first archive operation; throws Failure (with the package to install)
// when libarchive or one of its functions is missing.
const LibArchive& la() {
    static const LibArchive table = [] {
        const util::DynamicLibrary lib("libarchive.so.13", "reading and writing backup archives", "libarchive13");
        LibArchive t;
#define OPSCTL_LIBARCHIVE_BIND(name) lib.bind(t.name, #name);
        OPSCTL_LIBARCHIVE_FUNCTIONS(OPSCTL_LIBARCHIVE_BIND)
#undef OPSCTL_LIBARCHIVE_BIND
        return t;
    }();
    return table;
}

constexpr std::size_t k_buffer = 1 << 20;
// Progress callbacks at most every this many bytes: cheap, yet smooth on a terminal.
constexpr std::int64_t k_progress_step = 8 << 20;

struct Item {
    fs::path source; // where the data is read from
    std::string member;
    struct stat st {};
};

bool excluded(const std::vector<std::string>& patterns, const std::string& name, const std::string& member) {
    for (const auto& p : patterns) {
        if (p.find('/') == std::string::npos) {
            if (::fnmatch(p.c_str(), name.c_str(), 0) == 0) {
                return true;
            }
        } else {
            // A path pattern matches the member name or the absolute path.
            const std::string trimmed = p.front() == '/' ? p.substr(1) : p;
            if (::fnmatch(trimmed.c_str(), member.c_str(), FNM_PATHNAME) == 0) {
                return true;
            }
        }
    }
    return false;
}

std::string member_name(const fs::path& absolute) {
    std::string s = absolute.lexically_normal().string();
    while (!s.empty() && s.front() == '/') {
        s.erase(0, 1);
    }
    while (!s.empty() && s.back() == '/') {
        s.pop_back();
    }
    return s;
}

void collect(const fs::path& path, const std::string& member, const ArchiveSpec& spec, std::vector<Item>& out,
             std::int64_t& total, bool top) {
    for (const auto& s : spec.skip) {
        if (path == s) {
            return;
        }
    }
    Item item;
    item.source = path;
    item.member = member;
    if (::lstat(path.c_str(), &item.st) != 0) {
        if (errno == ENOENT && !top) {
            return; // vanished since the folder was listed
        }
        throw Failure(fmt::format("cannot read '{}': {}", path.string(), std::strerror(errno)));
    }
    if (!top && excluded(spec.exclude, path.filename().string(), member)) {
        return;
    }
    const auto type = item.st.st_mode & S_IFMT;
    if (type != S_IFREG && type != S_IFDIR && type != S_IFLNK) {
        return; // sockets, fifos and devices are not backup data
    }
    if (type == S_IFREG) {
        total += item.st.st_size;
    }
    out.push_back(item);
    if (type != S_IFDIR) {
        return;
    }
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        names.push_back(it->path().filename().string());
    }
    if (ec) {
        throw Failure(fmt::format("cannot list '{}': {}", path.string(), ec.message()));
    }
    // Sorted, so that two runs over the same tree produce members in the same order.
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
        collect(path / n, member + "/" + n, spec, out, total, false);
    }
}

// Start writing back to the disk every this many bytes, so that the fsync at the end finds
// little left to do instead of a whole archive of dirty pages.
constexpr std::int64_t k_writeback_step = 32 << 20;

struct Sink {
    int fd = -1;
    Sha256Pipeline* sha = nullptr; // hashes the compressed bytes on its own thread
    std::int64_t bytes = 0;
    std::int64_t flushed = 0; // bytes handed to writeback
    int error = 0;
};

la_ssize_t write_callback(struct archive* a, void* client, const void* buffer, size_t length) {
    auto* sink = static_cast<Sink*>(client);
    const char* p = static_cast<const char*>(buffer);
    size_t left = length;
    while (left > 0) {
        const ssize_t n = ::write(sink->fd, p, left);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            sink->error = errno;
            la().archive_set_error(a, errno, "%s", std::strerror(errno));
            return -1;
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
    sink->sha->update(buffer, length);
    sink->bytes += static_cast<std::int64_t>(length);
    if (sink->bytes - sink->flushed >= k_writeback_step) {
        // Asynchronous: only starts the writeback (fails harmlessly on odd file systems).
        ::sync_file_range(sink->fd, sink->flushed, sink->bytes - sink->flushed,
                          SYNC_FILE_RANGE_WRITE);
        sink->flushed = sink->bytes;
    }
    return static_cast<la_ssize_t>(length);
}

struct ArchiveWriter {
    struct archive* a = la().archive_write_new();
    ~ArchiveWriter() { la().archive_write_free(a); }
};
struct EntryHolder {
    struct archive_entry* e = la().archive_entry_new();
    ~EntryHolder() { la().archive_entry_free(e); }
};

[[noreturn]] void write_failed(struct archive* a, const Sink& sink, const std::string& name) {
    if (sink.error == ENOSPC || sink.error == EDQUOT) {
        throw Failure(fmt::format("no space left on the device writing '{}'", name),
                      "free space in the backup folder or prune old backups");
    }
    const char* msg = la().archive_error_string(a);
    throw Failure(fmt::format("cannot write '{}': {}", name, msg ? msg : "unknown error"));
}

nlohmann::json manifest_json(const std::vector<ManifestEntry>& entries, const std::string& label) {
    nlohmann::json members = nlohmann::json::array();
    for (const auto& m : entries) {
        nlohmann::json j = {{"path", m.path}, {"type", m.type}, {"size", m.size},
                            {"mode", fmt::format("{:04o}", m.mode)}, {"mtime", m.mtime}};
        if (m.type == "file") {
            j["sha256"] = m.sha256;
        }
        if (m.type == "symlink") {
            j["link"] = m.link;
        }
        members.push_back(std::move(j));
    }
    return {{"format", 1}, {"job", label}, {"members", std::move(members)}};
}

std::vector<ManifestEntry> parse_manifest(const std::string& text) {
    std::vector<ManifestEntry> out;
    const auto j = nlohmann::json::parse(text);
    for (const auto& m : j.at("members")) {
        ManifestEntry e;
        e.path = m.at("path").get<std::string>();
        e.type = m.at("type").get<std::string>();
        e.size = m.value("size", std::int64_t{0});
        e.mode = static_cast<unsigned>(std::stoul(m.value("mode", std::string("0")), nullptr, 8));
        e.mtime = m.value("mtime", std::int64_t{0});
        e.sha256 = m.value("sha256", std::string{});
        e.link = m.value("link", std::string{});
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace

WrittenArchive write_archive(int fd, const std::string& name, const ArchiveSpec& spec) {
    std::vector<Item> items;
    std::int64_t total = 0;
    for (const auto& src : spec.sources) {
        collect(src, member_name(src), spec, items, total, true);
    }
    for (const auto& [member, path] : spec.renamed) {
        Item item;
        item.source = path;
        item.member = member;
        if (::lstat(path.c_str(), &item.st) != 0) {
            throw Failure(fmt::format("cannot read '{}': {}", path.string(), std::strerror(errno)));
        }
        total += item.st.st_size;
        items.push_back(item);
    }

    // Declared before the pipelines, whose workers write into them until they are joined.
    std::vector<std::string> digests(items.size());
    std::string archive_digest;
    // Three stages run side by side: this thread reads and feeds libarchive (whose zstd
    // workers compress), one thread hashes the members, one hashes the compressed output.
    Sha256Pipeline member_sha(16, k_buffer);
    Sha256Pipeline output_sha(8, k_buffer);
    Sink sink;
    sink.fd = fd;
    sink.sha = &output_sha;
    // After the sink: freeing an unfinished writer may still call the write callback.
    ArchiveWriter w;
    la().archive_write_set_format_pax_restricted(w.a);
    la().archive_write_add_filter_zstd(w.a);
    la().archive_write_set_filter_option(w.a, "zstd", "compression-level", std::to_string(spec.level).c_str());
    // Worker threads compress while this thread reads and hashes, as `zstd -T0` does; older
    // libarchive versions lack the option, and then compression runs on this thread.
    const unsigned threads = spec.threads > 0 ? static_cast<unsigned>(spec.threads)
                                              : std::max(1U, std::thread::hardware_concurrency());
    la().archive_write_set_filter_option(w.a, "zstd", "threads", std::to_string(threads).c_str());
    // Large blocks: one write(2) per MiB of output instead of one per 10 KiB (tar's default);
    // the last block is not padded.
    la().archive_write_set_bytes_per_block(w.a, 1 << 20);
    la().archive_write_set_bytes_in_last_block(w.a, 1);
    if (la().archive_write_open(w.a, &sink, nullptr, write_callback, nullptr) != ARCHIVE_OK) {
        write_failed(w.a, sink, name);
    }

    WrittenArchive result;
    std::vector<ManifestEntry> manifest;
    manifest.reserve(items.size());
    std::vector<std::size_t> digest_of; // manifest index -> digests index
    Progress progress;
    progress.bytes_total = total;
    std::int64_t next_report = 0;
    for (std::size_t index = 0; index < items.size(); ++index) {
        Item& item = items[index];
        ManifestEntry m;
        m.path = item.member;
        const auto type = item.st.st_mode & S_IFMT;
        int in = -1;
        if (type == S_IFREG) {
            in = ::open(item.source.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
            if (in < 0) {
                if (errno == ENOENT) {
                    result.notes.push_back(fmt::format("'{}' vanished before it was read", item.source.string()));
                    continue;
                }
                throw Failure(fmt::format("cannot read '{}': {}", item.source.string(), std::strerror(errno)));
            }
            // The size in the header must be the size of what is read: take it from the open file.
            ::fstat(in, &item.st);
            ::posix_fadvise(in, 0, 0, POSIX_FADV_SEQUENTIAL);
        }
        EntryHolder e;
        la().archive_entry_copy_stat(e.e, &item.st);
        la().archive_entry_set_pathname(e.e, item.member.c_str());
        la().archive_entry_set_uname(e.e, "");
        la().archive_entry_set_gname(e.e, "");
        m.mode = item.st.st_mode & 07777;
        m.mtime = item.st.st_mtim.tv_sec;
        if (type == S_IFDIR) {
            m.type = "dir";
            la().archive_entry_set_size(e.e, 0);
        } else if (type == S_IFLNK) {
            m.type = "symlink";
            std::error_code ec;
            m.link = fs::read_symlink(item.source, ec).string();
            la().archive_entry_set_symlink(e.e, m.link.c_str());
            la().archive_entry_set_size(e.e, 0);
        } else {
            m.type = "file";
            m.size = item.st.st_size;
        }
        if (la().archive_write_header(w.a, e.e) < ARCHIVE_WARN) {
            if (in >= 0) {
                ::close(in);
            }
            write_failed(w.a, sink, name);
        }
        if (in >= 0) {
            // Hash exactly what goes into the archive, in the same pass: each chunk read is
            // handed to the hashing thread and to libarchive, which copies it at once.
            std::int64_t left = m.size;
            while (left > 0) {
                auto* chunk = member_sha.take();
                char* buf = chunk->data.data();
                const auto want = static_cast<size_t>(std::min<std::int64_t>(left, k_buffer));
                const ssize_t n = ::read(in, buf, want);
                if (n < 0 && errno == EINTR) {
                    member_sha.submit(chunk); // size 0: hashes nothing, gives the chunk back
                    continue;
                }
                if (n < 0) {
                    const int err = errno;
                    member_sha.submit(chunk);
                    ::close(in);
                    throw Failure(fmt::format("cannot read '{}': {}", item.source.string(), std::strerror(err)));
                }
                std::size_t got = static_cast<std::size_t>(n);
                if (n == 0) {
                    // The file shrank while it was read: pad, as tar does, and say so.
                    got = static_cast<std::size_t>(std::min<std::int64_t>(left, k_buffer));
                    std::memset(buf, 0, got);
                    if (left == m.size || result.notes.empty() || result.notes.back().find(item.source.string()) == std::string::npos) {
                        result.notes.push_back(fmt::format("'{}' shrank while it was read", item.source.string()));
                    }
                }
                chunk->size = got;
                member_sha.submit(chunk);
                if (la().archive_write_data(w.a, buf, got) < 0) {
                    ::close(in);
                    write_failed(w.a, sink, name);
                }
                left -= static_cast<std::int64_t>(got);
                progress.bytes_done += static_cast<std::int64_t>(got);
                if (spec.progress && progress.bytes_done >= next_report) {
                    spec.progress(progress);
                    next_report = progress.bytes_done + k_progress_step;
                }
            }
            ::close(in);
            member_sha.finish(&digests[index]);
            digest_of.resize(manifest.size() + 1, items.size());
            digest_of[manifest.size()] = index;
            result.source_bytes += m.size;
        }
        if (la().archive_write_finish_entry(w.a) < ARCHIVE_WARN) {
            write_failed(w.a, sink, name);
        }
        ++progress.files;
        manifest.push_back(std::move(m));
    }

    member_sha.wait();
    for (std::size_t k = 0; k < digest_of.size(); ++k) {
        if (digest_of[k] < digests.size()) {
            manifest[k].sha256 = std::move(digests[digest_of[k]]);
        }
    }
    const std::string text = manifest_json(manifest, spec.label).dump(1);
    EntryHolder e;
    la().archive_entry_set_pathname(e.e, k_manifest_member);
    la().archive_entry_set_filetype(e.e, AE_IFREG);
    la().archive_entry_set_perm(e.e, 0644);
    la().archive_entry_set_size(e.e, static_cast<la_int64_t>(text.size()));
    la().archive_entry_set_mtime(e.e, ::time(nullptr), 0);
    if (la().archive_write_header(w.a, e.e) < ARCHIVE_WARN ||
        la().archive_write_data(w.a, text.data(), text.size()) < 0 || la().archive_write_finish_entry(w.a) < ARCHIVE_WARN) {
        write_failed(w.a, sink, name);
    }
    if (la().archive_write_close(w.a) != ARCHIVE_OK) {
        write_failed(w.a, sink, name);
    }
    if (spec.progress) {
        spec.progress(progress);
    }
    result.files = static_cast<std::int64_t>(manifest.size());
    result.size_bytes = sink.bytes;
    output_sha.finish(&archive_digest);
    output_sha.wait();
    result.sha256 = std::move(archive_digest);
    return result;
}

std::optional<std::string> unsafe_member(const std::string& path, const std::string& symlink,
                                         const std::string& hardlink) {
    auto escapes = [](const fs::path& p) {
        // Lexically normalised, a path that stays inside begins with neither ".." nor "/".
        const fs::path n = p.lexically_normal();
        return n.empty() ? false : (n.is_absolute() || *n.begin() == "..");
    };
    if (path.empty()) {
        return "empty name";
    }
    if (path.front() == '/') {
        return "absolute path";
    }
    for (const auto& part : fs::path(path)) {
        if (part == "..") {
            return "'..' in the path";
        }
    }
    if (!hardlink.empty()) {
        if (hardlink.front() == '/' || escapes(hardlink)) {
            return fmt::format("hard link to '{}' outside the target", hardlink);
        }
        for (const auto& part : fs::path(hardlink)) {
            if (part == "..") {
                return fmt::format("hard link to '{}' outside the target", hardlink);
            }
        }
    }
    if (!symlink.empty()) {
        if (symlink.front() == '/') {
            return fmt::format("symlink to '{}' outside the target", symlink);
        }
        if (escapes(fs::path(path).parent_path() / symlink)) {
            return fmt::format("symlink to '{}' outside the target", symlink);
        }
    }
    return std::nullopt;
}

bool member_selected(const std::string& path, const std::vector<std::string>& only) {
    if (only.empty()) {
        return true;
    }
    for (std::string o : only) {
        while (!o.empty() && o.front() == '/') {
            o.erase(0, 1);
        }
        while (!o.empty() && o.back() == '/') {
            o.pop_back();
        }
        if (o.empty() || path == o || (path.size() > o.size() && path.compare(0, o.size(), o) == 0 && path[o.size()] == '/')) {
            return true;
        }
    }
    return false;
}

namespace {

struct Source {
    int fd = -1;
    // The file's checksum is computed on its own thread from the very buffers libarchive
    // decompresses. A buffer must stay valid until the next read callback, and a chunk can
    // only be taken again once it is hashed and a later read has started: the pool
    // guarantees both.
    Sha256Pipeline sha{8, k_buffer};
    std::int64_t bytes = 0;
    int error = 0;
};

la_ssize_t read_callback(struct archive* a, void* client, const void** out) {
    auto* src = static_cast<Source*>(client);
    auto* chunk = src->sha.take();
    while (true) {
        const ssize_t n = ::read(src->fd, chunk->data.data(), chunk->data.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            src->error = errno;
            src->sha.submit(chunk); // size 0: hashes nothing, gives the chunk back
            la().archive_set_error(a, errno, "%s", std::strerror(errno));
            return -1;
        }
        chunk->size = static_cast<std::size_t>(n);
        src->sha.submit(chunk);
        src->bytes += n;
        *out = chunk->data.data();
        return n;
    }
}

struct ArchiveReader {
    struct archive* a = la().archive_read_new();
    ~ArchiveReader() { la().archive_read_free(a); }
};
struct DiskWriter {
    struct archive* a = la().archive_write_disk_new();
    ~DiskWriter() { la().archive_write_free(a); }
};

// Extraction runs with the target as working directory, so that libarchive's checks for
// symlinks along the path start at the target rather than at '/'.
struct WorkingDirectory {
    int saved = ::open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    explicit WorkingDirectory(const fs::path& dir) {
        if (::chdir(dir.c_str()) != 0) {
            const int e = errno;
            if (saved >= 0) {
                ::close(saved);
            }
            throw Failure(fmt::format("cannot enter '{}': {}", dir.string(), std::strerror(e)));
        }
    }
    ~WorkingDirectory() {
        if (saved >= 0) {
            [[maybe_unused]] const int rc = ::fchdir(saved);
            ::close(saved);
        }
    }
};

struct Computed {
    std::string type;
    std::int64_t size = 0;
    std::string sha256;
    std::string link;
};

void add_problem(ArchiveCheck& check, std::string text) {
    // A badly damaged archive could list thousands; the first ones say enough.
    constexpr std::size_t k_max = 20;
    if (check.problems.size() < k_max) {
        check.problems.push_back(std::move(text));
    } else if (check.problems.size() == k_max) {
        check.problems.push_back("more problems not listed");
    }
}

} // namespace

ArchiveCheck read_archive(const fs::path& archive, const ReadSpec& spec) {
    ArchiveCheck check;
    Source src;
    src.fd = ::open(archive.c_str(), O_RDONLY | O_CLOEXEC);
    if (src.fd < 0) {
        throw Failure(fmt::format("cannot read '{}': {}", archive.string(), std::strerror(errno)));
    }
    struct stat st {};
    ::fstat(src.fd, &st);
    ::posix_fadvise(src.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    const bool extract = !spec.target.empty();
    std::optional<WorkingDirectory> cwd;
    if (extract) {
        cwd.emplace(spec.target);
    }

    ArchiveReader r;
    la().archive_read_support_filter_zstd(r.a);
    la().archive_read_support_filter_none(r.a);
    la().archive_read_support_format_tar(r.a);
    DiskWriter disk;
    la().archive_write_disk_set_options(disk.a, ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM |
                                               ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                               ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS |
                                               ARCHIVE_EXTRACT_UNLINK);

    std::map<std::string, Computed> computed;
    std::string manifest_text;
    Progress progress;
    progress.bytes_total = st.st_size;
    std::int64_t next_report = 0;
    static const std::vector<char> k_zeros(k_buffer, 0);

    if (la().archive_read_open(r.a, &src, nullptr, read_callback, nullptr) != ARCHIVE_OK) {
        add_problem(check, fmt::format("not a readable tar.zst archive: {}", la().archive_error_string(r.a)));
    } else {
        while (true) {
            struct archive_entry* entry = nullptr;
            const int rc = la().archive_read_next_header(r.a, &entry);
            if (rc == ARCHIVE_EOF) {
                break;
            }
            if (rc < ARCHIVE_WARN) {
                add_problem(check, fmt::format("archive is truncated or corrupt: {}", la().archive_error_string(r.a)));
                break;
            }
            std::string path = la().archive_entry_pathname(entry) ? la().archive_entry_pathname(entry) : "";
            // tar writes folders as "name/"; the manifest names them without the slash.
            while (path.size() > 1 && path.back() == '/') {
                path.pop_back();
            }
            const char* sl = la().archive_entry_symlink(entry);
            const char* hl = la().archive_entry_hardlink(entry);
            if (path == k_manifest_member) {
                check.has_manifest = true;
                const void* buff = nullptr;
                size_t size = 0;
                la_int64_t offset = 0;
                int drc = ARCHIVE_OK;
                while ((drc = la().archive_read_data_block(r.a, &buff, &size, &offset)) == ARCHIVE_OK) {
                    manifest_text.append(static_cast<const char*>(buff), size);
                }
                if (drc != ARCHIVE_EOF) {
                    add_problem(check, fmt::format("archive is truncated or corrupt: {}", la().archive_error_string(r.a)));
                    break;
                }
                continue;
            }
            ++check.members;
            if (auto why = unsafe_member(path, sl ? sl : "", hl ? hl : "")) {
                check.unsafe.push_back(fmt::format("'{}' ({})", path, *why));
                la().archive_read_data_skip(r.a);
                continue;
            }
            const bool wanted = extract && member_selected(path, spec.only);
            Computed c;
            const auto type = la().archive_entry_filetype(entry);
            c.type = type == AE_IFDIR ? "dir" : type == AE_IFLNK ? "symlink" : type == AE_IFREG ? "file" : "other";
            c.link = sl ? sl : "";
            if (wanted && la().archive_write_header(disk.a, entry) < ARCHIVE_WARN) {
                add_problem(check, fmt::format("cannot extract '{}': {}", path, la().archive_error_string(disk.a)));
                la().archive_read_data_skip(r.a);
                continue;
            }
            Sha256 sha;
            const void* buff = nullptr;
            size_t size = 0;
            la_int64_t offset = 0;
            int drc = ARCHIVE_OK;
            bool failed = false;
            while ((drc = la().archive_read_data_block(r.a, &buff, &size, &offset)) == ARCHIVE_OK) {
                // Holes in sparse members read as zeros.
                while (c.size < offset) {
                    const auto gap = static_cast<std::size_t>(std::min<std::int64_t>(offset - c.size, k_buffer));
                    sha.update(k_zeros.data(), gap);
                    c.size += static_cast<std::int64_t>(gap);
                }
                sha.update(buff, size);
                c.size += static_cast<std::int64_t>(size);
                if (wanted && la().archive_write_data_block(disk.a, buff, size, offset) < ARCHIVE_WARN) {
                    add_problem(check, fmt::format("cannot extract '{}': {}", path, la().archive_error_string(disk.a)));
                    failed = true;
                    break;
                }
                progress.bytes_done = src.bytes;
                if (spec.progress && progress.bytes_done >= next_report) {
                    spec.progress(progress);
                    next_report = progress.bytes_done + k_progress_step;
                }
            }
            if (!failed && drc != ARCHIVE_EOF) {
                add_problem(check, fmt::format("archive is truncated or corrupt at '{}': {}", path,
                                               la().archive_error_string(r.a)));
                break;
            }
            if (wanted) {
                la().archive_write_finish_entry(disk.a);
            }
            if (c.type == "file") {
                c.sha256 = sha.hex();
            }
            ++progress.files;
            computed[path] = std::move(c);
        }
    }
    // Deferred directory times and modes are applied on close.
    la().archive_write_close(disk.a);
    // Hash whatever follows the end of the tar stream too: the checksum covers the whole file.
    const void* dummy = nullptr;
    while (read_callback(r.a, &src, &dummy) > 0) {
    }
    ::close(src.fd);
    check.size_bytes = src.bytes;
    src.sha.finish(&check.sha256);
    src.sha.wait();
    if (spec.progress) {
        progress.bytes_done = src.bytes;
        spec.progress(progress);
    }

    if (!check.has_manifest) {
        return check;
    }
    try {
        check.manifest = parse_manifest(manifest_text);
    } catch (const std::exception& e) {
        add_problem(check, fmt::format("manifest is unreadable: {}", e.what()));
        return check;
    }
    // Compare what was read with the manifest, member by member.
    std::set<std::string> listed;
    for (const auto& m : check.manifest) {
        listed.insert(m.path);
        if (!member_selected(m.path, spec.only)) {
            continue;
        }
        const auto it = computed.find(m.path);
        if (it == computed.end()) {
            add_problem(check, fmt::format("'{}' is in the manifest but not in the archive", m.path));
            continue;
        }
        const Computed& c = it->second;
        if (c.type != m.type) {
            add_problem(check, fmt::format("'{}' is a {} in the archive but a {} in the manifest", m.path, c.type, m.type));
        } else if (m.type == "file" && (c.size != m.size || c.sha256 != m.sha256)) {
            add_problem(check, fmt::format("'{}' differs from the manifest (size {} vs {}, SHA-256 {}…)", m.path,
                                           c.size, m.size, c.sha256.substr(0, 12)));
        } else if (m.type == "symlink" && c.link != m.link) {
            add_problem(check, fmt::format("'{}' links to '{}' but the manifest says '{}'", m.path, c.link, m.link));
        }
    }
    for (const auto& [path, c] : computed) {
        if (!listed.count(path)) {
            add_problem(check, fmt::format("'{}' is in the archive but not in the manifest", path));
        }
    }
    return check;
}

} // namespace opsctl::backup
