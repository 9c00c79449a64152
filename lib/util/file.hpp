#pragma once
// Reading a whole file from an open descriptor, bounded; writing a file so that it appears
// whole or not at all, and never through a name someone else planted.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace opsctl::util {

/// The rest of `fd` (a regular file, read from its current offset) with as few reads as it
/// takes: `expected` bytes (its fstat size) are read in one go, and more if it grew, up to
/// `limit` + 1 bytes so that the caller can tell a file over the limit. nullopt on a read error.
std::optional<std::string> read_bounded(int fd, std::size_t expected, std::size_t limit);

/// A fresh name beside `target` that nobody can guess in advance:
/// `.<target's name>.<16 random hex digits>.<suffix>`. Throws Failure naming the target.
std::filesystem::path random_temp_name(const std::filesystem::path& target,
                                       std::string_view suffix = "tmp");

/// A file being written under a fresh temporary name in its target's folder, created with
/// O_CREAT|O_EXCL|O_NOFOLLOW (so a planted symlink or file is never written through), that takes
/// its final name only through commit(): fsync, rename over the target, fsync of the folder.
/// Destroyed without commit(), it removes the temporary file. Every failure throws
/// opsctl::Failure naming the target and errno; a short write is a failure. The temporary
/// name is random_temp_name(target, temp_suffix).
class AtomicFile {
public:
    explicit AtomicFile(std::filesystem::path target, mode_t mode = 0644,
                        std::string_view temp_suffix = "tmp");
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    /// The open descriptor of the temporary file (for writers that need one, e.g. libarchive).
    int fd() const { return m_fd; }
    /// Where the bytes go until commit().
    const std::filesystem::path& temp_path() const { return m_temp; }
    const std::filesystem::path& target() const { return m_target; }
    /// Writes all of `data`, retrying short writes and EINTR.
    void write(std::string_view data);
    /// Makes the file durable and gives it its final name.
    void commit();

private:
    std::filesystem::path m_target;
    std::filesystem::path m_temp;
    int m_fd = -1;
    bool m_committed = false;
};

/// Writes `content` to `path` through AtomicFile.
void write_file_atomic(const std::filesystem::path& path, std::string_view content, mode_t mode = 0644);

/// Writes to `path` through AtomicFile what `produce` writes to the stream it is given, in
/// 64 KiB pieces (a large export is never held in memory whole). The file takes its name only
/// when `produce` returns normally and every byte was written; otherwise nothing is left.
void write_file_atomic(const std::filesystem::path& path, mode_t mode,
                       const std::function<void(std::ostream&)>& produce);

} // namespace opsctl::util
