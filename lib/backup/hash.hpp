#pragma once
// SHA-256 through OpenSSL's EVP interface (which uses the CPU's SHA instructions).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace opsctl::backup {

/// An incremental SHA-256.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    /// Adds bytes.
    void update(const void* data, std::size_t size);
    /// The digest as 64 lower-case hex digits; the hash starts over afterwards.
    std::string hex();

private:
    struct State;
    std::unique_ptr<State> m_state;
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
