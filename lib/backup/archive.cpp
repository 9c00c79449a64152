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
#include <csignal>
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
    X(archive_entry_copy_sourcepath) \
    X(archive_entry_filetype) \
    X(archive_entry_free) \
    X(archive_entry_hardlink) \
    X(archive_entry_new) \
    X(archive_entry_pathname) \
    X(archive_entry_perm) \
    X(archive_entry_set_filetype) \
    X(archive_entry_set_mtime) \
    X(archive_entry_set_pathname) \
    X(archive_entry_set_perm) \
    X(archive_entry_set_size) \
    X(archive_entry_size) \
    X(archive_entry_sparse_next) \
    X(archive_entry_sparse_reset) \
    X(archive_entry_symlink) \
    X(archive_errno) \
    X(archive_error_string) \
    X(archive_read_data_block) \
    X(archive_read_disk_entry_from_file) \
    X(archive_read_disk_new) \
    X(archive_read_disk_set_behavior) \
    X(archive_read_disk_set_standard_lookup) \
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
    X(archive_write_disk_set_standard_lookup) \
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

// k_buffer zero bytes, made on first use: the holes of sparse files.
const std::vector<char>& zero_block() {
    static const std::vector<char> zeros(k_buffer, 0);
    return zeros;
}

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
    if (top && S_ISLNK(item.st.st_mode)) {
        // A job's own paths are followed (`paths: [/srv/data]` where /srv/data is a symlink
        // archives the data under 'srv/data'); symlinks inside them are archived as symlinks.
        std::error_code ec;
        const fs::path real = fs::canonical(path, ec);
        if (ec || ::lstat(real.c_str(), &item.st) != 0) {
            throw Failure(fmt::format("cannot read '{}': the symlink leads to '{}', which {}", path.string(),
                                      fs::read_symlink(path, ec).string(),
                                      ec ? ec.message() : std::string(std::strerror(errno))));
        }
        item.source = real;
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
    const fs::path dir = item.source;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        names.push_back(it->path().filename().string());
    }
    if (ec) {
        throw Failure(fmt::format("cannot list '{}': {}", path.string(), ec.message()));
    }
    // Sorted, so that two runs over the same tree produce members in the same order.
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
        collect(dir / n, member + "/" + n, spec, out, total, false);
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
struct DiskReader {
    struct archive* a = la().archive_read_disk_new();
    DiskReader() {
        // Owner and group names as well as ids; file flags (chattr) are not backup data.
        la().archive_read_disk_set_standard_lookup(a);
        la().archive_read_disk_set_behavior(a, ARCHIVE_READDISK_NO_FFLAGS);
    }
    ~DiskReader() { la().archive_read_free(a); }
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
        if (m.sparse) {
            nlohmann::json regions = nlohmann::json::array();
            for (const auto& [offset, length] : m.regions) {
                regions.push_back({offset, length});
            }
            j["sparse"] = std::move(regions);
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
        if (const auto it = m.find("sparse"); it != m.end()) {
            e.sparse = true;
            for (const auto& r : *it) {
                e.regions.emplace_back(r.at(0).get<std::int64_t>(), r.at(1).get<std::int64_t>());
            }
        }
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
    DiskReader reader;
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
        la().archive_entry_set_pathname(e.e, item.member.c_str());
        la().archive_entry_copy_sourcepath(e.e, item.source.c_str());
        // libarchive's own reader of the disk fills in what stat(2) does not: owner and group
        // names, extended attributes, ACLs, the link target and the data regions of a sparse
        // file. Its result is a warning when an attribute could not be read; the data is
        // archived all the same, and the run says so.
        if (const int rc = la().archive_read_disk_entry_from_file(reader.a, e.e, in, &item.st); rc != ARCHIVE_OK) {
            const char* msg = la().archive_error_string(reader.a);
            if (rc < ARCHIVE_WARN) {
                if (in >= 0) {
                    ::close(in);
                }
                throw Failure(fmt::format("cannot read '{}': {}", item.source.string(), msg ? msg : "unknown error"));
            }
            result.notes.push_back(fmt::format("'{}': {}", item.source.string(), msg ? msg : "attributes not read"));
        }
        la().archive_entry_set_pathname(e.e, item.member.c_str());
        // The mode as archived: with an ACL, libarchive stores the owning group's permissions
        // in the mode's group bits where stat(2) shows the ACL mask.
        m.mode = static_cast<unsigned>(la().archive_entry_perm(e.e)) & 07777;
        m.mtime = item.st.st_mtim.tv_sec;
        std::vector<std::pair<std::int64_t, std::int64_t>> regions;
        if (type == S_IFDIR) {
            m.type = "dir";
            la().archive_entry_set_size(e.e, 0);
        } else if (type == S_IFLNK) {
            m.type = "symlink";
            const char* target = la().archive_entry_symlink(e.e);
            m.link = target ? target : "";
            la().archive_entry_set_size(e.e, 0);
        } else {
            m.type = "file";
            m.size = item.st.st_size;
            ++result.regular_files;
            // A sparse file is archived as its data regions; the holes cost nothing to read,
            // hash or store. libarchive lists no region for a file without holes.
            m.sparse = la().archive_entry_sparse_reset(e.e) > 0;
            la_int64_t offset = 0;
            la_int64_t length = 0;
            while (m.sparse && la().archive_entry_sparse_next(e.e, &offset, &length) == ARCHIVE_OK) {
                if (length > 0) {
                    regions.emplace_back(offset, length);
                }
            }
            if (m.sparse) {
                m.regions = regions;
            } else if (m.size > 0) {
                regions.emplace_back(0, m.size);
            }
        }
        if (la().archive_write_header(w.a, e.e) < ARCHIVE_WARN) {
            if (in >= 0) {
                ::close(in);
            }
            write_failed(w.a, sink, name);
        }
        if (in >= 0) {
            // The archive's data stream has the file's full length; libarchive leaves out the
            // bytes of the holes, which are handed over as zeros and never hashed.
            std::int64_t written = 0;
            auto skip_hole = [&](std::int64_t upto) {
                while (written < upto) {
                    const auto n = static_cast<std::size_t>(std::min<std::int64_t>(upto - written, k_buffer));
                    if (la().archive_write_data(w.a, zero_block().data(), n) < 0) {
                        ::close(in);
                        write_failed(w.a, sink, name);
                    }
                    written += static_cast<std::int64_t>(n);
                    progress.bytes_done += static_cast<std::int64_t>(n);
                }
            };
            for (const auto& [region_offset, region_length] : regions) {
                skip_hole(region_offset);
                if (::lseek(in, region_offset, SEEK_SET) < 0) {
                    const int err = errno;
                    ::close(in);
                    throw Failure(fmt::format("cannot read '{}': {}", item.source.string(), std::strerror(err)));
                }
                // Hash exactly what goes into the archive, in the same pass: each chunk read is
                // handed to the hashing thread and to libarchive, which copies it at once.
                std::int64_t left = region_length;
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
                        if (result.notes.empty() || result.notes.back().find(item.source.string()) == std::string::npos) {
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
                    written += static_cast<std::int64_t>(got);
                    progress.bytes_done += static_cast<std::int64_t>(got);
                    if (spec.progress && progress.bytes_done >= next_report) {
                        spec.progress(progress);
                        next_report = progress.bytes_done + k_progress_step;
                    }
                }
            }
            skip_hole(m.size);
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

std::optional<std::string> unsafe_member(const std::string& path, const std::string& hardlink) {
    auto escapes = [](const std::string& p) {
        if (p.front() == '/') {
            return true;
        }
        for (const auto& part : fs::path(p)) {
            if (part == "..") {
                return true;
            }
        }
        return false;
    };
    if (path.empty()) {
        return "empty name";
    }
    if (path.front() == '/') {
        return "absolute path";
    }
    if (escapes(path)) {
        return "'..' in the path";
    }
    if (!hardlink.empty() && escapes(hardlink)) {
        return fmt::format("hard link to '{}' outside the target", hardlink);
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
    std::int64_t size = 0; // from the header, holes included
    unsigned mode = 0;     // as the archive says, before setuid/setgid bits are cleared
    std::string sha256;    // of the data blocks, holes left out
    std::string link;
    std::vector<std::pair<std::int64_t, std::int64_t>> regions; // data blocks, adjacent ones merged
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

// "No space left on device (ENOSPC)": the text people read and the name they search for.
std::string errno_text(int err, const char* fallback) {
    if (err <= 0) {
        return fallback ? fallback : "unknown error";
    }
    const char* name = ::strerrorname_np(err);
    return name ? fmt::format("{} ({})", std::strerror(err), name) : std::string(std::strerror(err));
}

// While extracting, a write past RLIMIT_FSIZE must fail with EFBIG, which is reported, rather
// than kill the process with SIGXFSZ halfway through a file.
struct FileSizeSignalIgnored {
    struct sigaction saved {};
    FileSizeSignalIgnored() {
        struct sigaction ignore {};
        ignore.sa_handler = SIG_IGN;
        ::sigemptyset(&ignore.sa_mask);
        ::sigaction(SIGXFSZ, &ignore, &saved);
    }
    ~FileSizeSignalIgnored() { ::sigaction(SIGXFSZ, &saved, nullptr); }
    FileSizeSignalIgnored(const FileSizeSignalIgnored&) = delete;
    FileSizeSignalIgnored& operator=(const FileSizeSignalIgnored&) = delete;
};

// Member types opsctl's archiver never writes, and extraction never creates.
const char* foreign_type(unsigned type) {
    switch (type) {
    case AE_IFREG:
    case AE_IFDIR:
    case AE_IFLNK:
        return nullptr;
    case AE_IFCHR:
        return "character device";
    case AE_IFBLK:
        return "block device";
    case AE_IFIFO:
        return "FIFO";
    case AE_IFSOCK:
        return "socket";
    default:
        return "member of unknown type";
    }
}

// A member name as the file system resolves it ("./a//b/" is "a/b"), to compare names.
std::string resolved_name(const std::string& path) {
    std::string n = fs::path(path).lexically_normal().generic_string();
    while (n.size() > 1 && n.back() == '/') {
        n.pop_back();
    }
    return n;
}

// The archived symlink that `path` (resolved) would be reached through, if any: a member
// below a symlink member would be written wherever that symlink points.
std::optional<std::string> through_symlink(const std::string& path, const std::set<std::string>& symlinks) {
    for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
        if (symlinks.count(path.substr(0, slash))) {
            return path.substr(0, slash);
        }
    }
    return std::nullopt;
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
    std::optional<FileSizeSignalIgnored> no_sigxfsz;
    if (extract) {
        cwd.emplace(spec.target);
        no_sigxfsz.emplace();
    }

    ArchiveReader r;
    la().archive_read_support_filter_zstd(r.a);
    la().archive_read_support_filter_none(r.a);
    la().archive_read_support_format_tar(r.a);
    DiskWriter disk;
    // Never through a symlink, never outside the target; what is in the way is replaced.
    int options = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                  ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS | ARCHIVE_EXTRACT_UNLINK;
    if (spec.owners) {
        options |= ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_ACL;
        // Owner and group names that exist here win over the numeric ids, as tar does.
        la().archive_write_disk_set_standard_lookup(disk.a);
    }
    la().archive_write_disk_set_options(disk.a, options);

    std::map<std::string, Computed> computed;
    std::set<std::string> symlinks; // members that are symlinks: nothing is reached through them
    std::set<std::string> files;    // members that are regular files: the only hard link targets
    std::string manifest_text;
    Progress progress;
    progress.bytes_total = st.st_size;
    std::int64_t next_report = 0;

    if (la().archive_read_open(r.a, &src, nullptr, read_callback, nullptr) != ARCHIVE_OK) {
        add_problem(check, fmt::format("not a readable tar.zst archive: {}", la().archive_error_string(r.a)));
    } else {
        while (!check.write_failed) {
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
            const std::string hardlink = hl ? hl : "";
            std::optional<std::string> why = unsafe_member(path, hardlink);
            const std::string name = why ? std::string() : resolved_name(path);
            if (!why) {
                if (const auto link = through_symlink(name, symlinks)) {
                    why = fmt::format("inside '{}', which is a symlink", *link);
                } else if (!hardlink.empty() && !files.count(resolved_name(hardlink))) {
                    why = fmt::format("hard link to '{}', which is no file earlier in the archive", hardlink);
                }
            }
            if (why) {
                check.unsafe.push_back(fmt::format("'{}' ({})", path, *why));
                la().archive_read_data_skip(r.a);
                continue;
            }
            const auto type = la().archive_entry_filetype(entry);
            symlinks.erase(name);
            files.erase(name);
            if (type == AE_IFLNK) {
                symlinks.insert(name);
            } else if (type == AE_IFREG) {
                files.insert(name);
            }
            Computed c;
            c.type = type == AE_IFDIR ? "dir" : type == AE_IFLNK ? "symlink" : type == AE_IFREG ? "file" : "other";
            c.link = sl ? sl : "";
            c.mode = static_cast<unsigned>(la().archive_entry_perm(entry)) & 07777;
            c.size = la().archive_entry_size(entry);
            if (const char* what = foreign_type(type)) {
                // Whatever the archive says, a restore creates only what opsctl archives.
                add_problem(check, fmt::format("'{}' is a {}, which opsctl never archives nor restores", path, what));
                la().archive_read_data_skip(r.a);
                computed[path] = std::move(c);
                continue;
            }
            bool writing = extract && member_selected(path, spec.only);
            if (writing && !spec.setid && (c.mode & 06000) != 0) {
                la().archive_entry_set_perm(entry, c.mode & ~06000U);
            }
            if (writing) {
                const int hrc = la().archive_write_header(disk.a, entry);
                if (hrc < ARCHIVE_OK) {
                    add_problem(check, fmt::format("cannot extract '{}': {}", path,
                                                   errno_text(la().archive_errno(disk.a), la().archive_error_string(disk.a))));
                }
                if (hrc < ARCHIVE_WARN) {
                    writing = false; // still read, for the checksum and the manifest
                }
            }
            const bool opened = writing;
            Sha256 sha;
            const void* buff = nullptr;
            size_t size = 0;
            la_int64_t offset = 0;
            int drc = ARCHIVE_OK;
            while ((drc = la().archive_read_data_block(r.a, &buff, &size, &offset)) == ARCHIVE_OK) {
                if (size > 0) {
                    // Holes in sparse members are not data: the regions say where they are.
                    if (!c.regions.empty() && c.regions.back().first + c.regions.back().second == offset) {
                        c.regions.back().second += static_cast<std::int64_t>(size);
                    } else {
                        c.regions.emplace_back(offset, static_cast<std::int64_t>(size));
                    }
                }
                sha.update(buff, size);
                // ARCHIVE_WARN here is a failed write(2) (a full disk, a file size limit).
                if (writing && la().archive_write_data_block(disk.a, buff, size, offset) < ARCHIVE_OK) {
                    add_problem(check, fmt::format("cannot write '{}': {}", (spec.target / path).string(),
                                                   errno_text(la().archive_errno(disk.a), la().archive_error_string(disk.a))));
                    check.write_failed = true;
                    writing = false;
                    break;
                }
                progress.bytes_done = src.bytes;
                if (spec.progress && progress.bytes_done >= next_report) {
                    spec.progress(progress);
                    next_report = progress.bytes_done + k_progress_step;
                }
            }
            const bool corrupt = !check.write_failed && drc != ARCHIVE_EOF;
            if (corrupt) {
                add_problem(check, fmt::format("archive is truncated or corrupt at '{}': {}", path,
                                               la().archive_error_string(r.a)));
            }
            if (opened) {
                // Pads the file to its size and sets owner, mode, attributes and times.
                const int frc = la().archive_write_finish_entry(disk.a);
                if (!check.write_failed && !corrupt && frc < ARCHIVE_WARN) {
                    add_problem(check, fmt::format("cannot write '{}': {}", (spec.target / path).string(),
                                                   errno_text(la().archive_errno(disk.a), la().archive_error_string(disk.a))));
                    check.write_failed = true;
                } else if (!check.write_failed && !corrupt && frc < ARCHIVE_OK) {
                    add_problem(check, fmt::format("cannot restore the owner, mode or attributes of '{}': {}",
                                                   (spec.target / path).string(),
                                                   errno_text(la().archive_errno(disk.a), la().archive_error_string(disk.a))));
                }
                if ((check.write_failed || corrupt) && type == AE_IFREG) {
                    // A file cut short (and padded with zeros) must not pass for the real one.
                    ::unlink(path.c_str());
                }
            }
            if (corrupt) {
                break;
            }
            if (c.type == "file") {
                c.sha256 = sha.hex();
            }
            ++progress.files;
            computed[path] = std::move(c);
        }
    }
    // Deferred folder modes and times are applied on close.
    if (la().archive_write_close(disk.a) < ARCHIVE_OK && extract && !check.write_failed) {
        add_problem(check, fmt::format("cannot restore the modes and times of folders in '{}': {}", spec.target.string(),
                                       errno_text(la().archive_errno(disk.a), la().archive_error_string(disk.a))));
    }
    // Hash whatever follows the end of the tar stream too (or what was left unread after a
    // write error): the checksum covers the whole file.
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

    if (!check.has_manifest || check.write_failed) {
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
        std::vector<std::pair<std::int64_t, std::int64_t>> regions = m.regions;
        if (!m.sparse && m.size > 0) {
            regions = {{0, m.size}};
        }
        if (c.type != m.type) {
            add_problem(check, fmt::format("'{}' is a {} in the archive but a {} in the manifest", m.path, c.type, m.type));
        } else if (m.type == "file" && (c.size != m.size || c.sha256 != m.sha256 || c.regions != regions)) {
            add_problem(check, fmt::format("'{}' differs from the manifest (size {} vs {}, SHA-256 {}…)", m.path,
                                           c.size, m.size, c.sha256.substr(0, 12)));
        } else if (m.type == "symlink" && c.link != m.link) {
            add_problem(check, fmt::format("'{}' links to '{}' but the manifest says '{}'", m.path, c.link, m.link));
        } else if (m.type != "symlink" && c.mode != m.mode) {
            add_problem(check, fmt::format("'{}' has mode {:04o} in the archive but {:04o} in the manifest", m.path,
                                           c.mode, m.mode));
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
