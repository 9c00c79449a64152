#pragma once
// SHA-256 of files and streams, on a thread of its own where hashing would hold up I/O.

#include "lib/util/sha256.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace opsctl::backup {

/// The incremental SHA-256 every digest here is computed with.
using util::Sha256;

/// A SHA-256 computed on its own thread, so that hashing overlaps reading and compressing
/// (without SHA instructions in the CPU, hashing costs as much as zstd -1 does). The caller
/// fills chunks from a small pool and hands them over; digests come back through finish().
/// Used from one thread at a time.
class Sha256Pipeline {
public:
    /// A buffer to fill and hand over with submit().
    struct Chunk {
        std::vector<char> data;
        std::size_t size = 0; // bytes of `data` to hash
    };
    /// `chunks` buffers of `chunk_size` bytes: the most that can wait to be hashed.
    explicit Sha256Pipeline(std::size_t chunks = 8, std::size_t chunk_size = 1 << 20);
    /// Waits for the worker to finish what it was given.
    ~Sha256Pipeline();
    Sha256Pipeline(const Sha256Pipeline&) = delete;
    Sha256Pipeline& operator=(const Sha256Pipeline&) = delete;
    /// A free chunk (waits while all are queued); its data is chunk_size() bytes long.
    Chunk* take();
    /// Hashes the first `size` bytes of a chunk from take(), after everything submitted before.
    void submit(Chunk* chunk);
    /// Hashes a copy of the bytes (for data whose buffer the caller must give back at once).
    void update(const void* data, std::size_t size);
    /// Ends the current digest: its hex goes into `*into` on the worker thread, readable after
    /// wait(); the next submit() starts a new digest.
    void finish(std::string* into);
    /// Returns when everything submitted has been hashed and every finish() delivered.
    void wait();
    /// The size of each chunk's buffer.
    std::size_t chunk_size() const { return m_chunk_size; }

private:
    struct Shared;
    void work();
    std::size_t m_chunk_size;
    std::unique_ptr<Shared> m_shared;
};

/// What hashing a file found.
struct FileDigest {
    std::int64_t size = 0;
    std::string sha256;
};

/// Hashes a whole file, calling `progress(bytes_done)` now and then; throws Failure
/// naming the file when it cannot be read.
FileDigest hash_file(const std::filesystem::path& path,
                     const std::function<void(std::int64_t)>& progress = {});

} // namespace opsctl::backup
