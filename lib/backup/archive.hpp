#pragma once
// tar + zstd archives with a manifest, through libarchive: writing (hashing every member
// while it is archived) and reading (checking, extracting safely, comparing with the manifest).
//
// Layout of an archive: pax tar compressed with zstd. Member names are the sources'
// absolute paths without the leading '/', as tar writes them. Members are files, folders
// and symlinks, with owners (numeric ids and names), modes, extended attributes and ACLs;
// sparse files keep their holes (GNU sparse 1.0 in pax). The last member,
// ".opsctl-manifest.json", lists every other member (path, type, size, mode, mtime,
// SHA-256, link target, data regions of sparse files); it comes last because the hashes are
// known only once the data has been archived (one pass over the sources). The SHA-256 of the
// whole compressed file is kept in the database (backup_runs.sha256).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::backup {

/// The name of the manifest member.
inline constexpr const char* k_manifest_member = ".opsctl-manifest.json";

/// One member of an archive as the manifest lists it.
struct ManifestEntry {
    std::string path;       // member name
    std::string type;       // "file", "dir", "symlink"
    std::int64_t size = 0;  // bytes of data (files), holes included
    unsigned mode = 0;      // permission bits
    std::int64_t mtime = 0; // Unix seconds
    std::string sha256;     // files only: of the data; of a sparse file, of its data regions in order
    std::string link;       // symlinks only
    bool sparse = false;    // a sparse file: `regions` lists its data, the rest are holes
    std::vector<std::pair<std::int64_t, std::int64_t>> regions; // (offset, length) of the data
};

/// How far long work has got, for a progress line.
struct Progress {
    std::int64_t bytes_done = 0;
    std::int64_t bytes_total = 0; // 0 when unknown
    std::int64_t files = 0;
};
/// Called now and then during long work.
using ProgressFn = std::function<void(const Progress&)>;

/// What to put into an archive.
struct ArchiveSpec {
    std::vector<std::filesystem::path> sources; // absolute
    std::vector<std::string> exclude;           // globs: on a name, or (holding '/') on the member path
    std::vector<std::filesystem::path> skip;    // never archived (e.g. the folder being written to)
    /// Members whose data comes from a file other than their name (e.g. a database copy).
    std::vector<std::pair<std::string, std::filesystem::path>> renamed;
    int level = 1;   // zstd level
    int threads = 0; // zstd worker threads; 0: one per CPU
    std::string label; // recorded in the manifest (the job name)
    ProgressFn progress;
};

/// What writing produced.
struct WrittenArchive {
    std::int64_t size_bytes = 0;   // compressed bytes written
    std::int64_t source_bytes = 0; // member data before compression
    std::int64_t files = 0;        // members (without the manifest)
    std::int64_t regular_files = 0; // members that are regular files (not folders or symlinks)
    std::string sha256;            // of the compressed bytes
    std::vector<std::string> notes; // files that vanished or changed while being read
};

/// Writes the archive to the open descriptor `fd` (named `name` in messages). Throws
/// Failure with a clear message on a read or write error (ENOSPC: "no space left").
WrittenArchive write_archive(int fd, const std::string& name, const ArchiveSpec& spec);

/// Why a member may not be extracted, or nullopt when it is safe: an absolute name, a '..'
/// component, a hard link to a path outside the extraction folder. Where a symlink points
/// does not matter: it is restored as a symlink and nothing is ever written through one.
std::optional<std::string> unsafe_member(const std::string& path, const std::string& hardlink);

/// What reading an archive found.
struct ArchiveCheck {
    std::int64_t size_bytes = 0;            // bytes of the file
    std::string sha256;                     // of the whole file
    std::int64_t members = 0;               // members seen (without the manifest)
    std::vector<std::string> unsafe;        // "'../x' (reason)" for each unsafe member
    std::vector<std::string> problems;      // read and write errors, manifest mismatches, member types never restored
    bool write_failed = false;              // extraction stopped at a write error (its file was removed)
    bool has_manifest = false;
    std::vector<ManifestEntry> manifest;
};

/// How to read an archive.
struct ReadSpec {
    /// Where to extract; empty: only read and hash (and check member names).
    std::filesystem::path target;
    /// Member paths (or folders) to extract; empty: all.
    std::vector<std::string> only;
    /// Restore owners and groups (by name where the name exists here, else the numeric id),
    /// extended attributes and ACLs: for a restore by root of an archive that verified.
    bool owners = false;
    /// Keep setuid and setgid bits (else they are cleared): only for an archive that verified.
    bool setid = false;
    ProgressFn progress;
};

/// Reads the whole archive once: hashes the file, checks every member name, and, with a
/// target, extracts the members (never through a symlink, never outside the target, never a
/// device, FIFO or socket) and compares each with the manifest. A write error stops the
/// extraction and removes the file being written. Problems are returned, not thrown; only an
/// archive that cannot be opened at all throws Failure.
ArchiveCheck read_archive(const std::filesystem::path& archive, const ReadSpec& spec);

/// True when member `path` is selected by `only` (a path or a folder above it; a leading
/// '/' and a trailing '/' are ignored). An empty `only` selects all.
bool member_selected(const std::string& path, const std::vector<std::string>& only);

} // namespace opsctl::backup
