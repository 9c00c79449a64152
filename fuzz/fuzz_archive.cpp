// libFuzzer target: reading a backup archive (tar, plain or zstd, with its JSON manifest),
// as `backup verify` and `backup restore` do. Whatever the bytes, reading must not crash,
// and extracting must never create anything outside the target folder (members with '..',
// absolute names, members inside an archived symlink, hard links that lead out are
// refused; symlinks are restored as symlinks, wherever they point), nor any device node,
// FIFO or socket inside it.
#include "lib/backup/archive.hpp"
#include "lib/core/error.hpp"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace opsctl;
namespace fs = std::filesystem;

namespace {

fs::path scratch() {
    static const fs::path dir = fs::temp_directory_path() / ("opsctl-fuzz-archive." + std::to_string(::getpid()));
    return dir;
}

// Every path under `root`, however deep, not following symlinks.
std::size_t entries_under(const fs::path& root) {
    std::size_t n = 0;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end; !ec && it != end;
         it.increment(ec)) {
        ++n;
    }
    return n;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fs::path dir = scratch();
    std::error_code ec;
    fs::remove_all(dir, ec);
    // dir/archive.tar.zst, dir/outside/ (must stay empty), dir/outside/target/ (extracted to).
    const fs::path target = dir / "outside" / "target";
    fs::create_directories(target);
    const fs::path file = dir / "archive.tar.zst";
    {
        std::ofstream out(file, std::ios::binary);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    try {
        const auto checked = backup::read_archive(file, backup::ReadSpec{});
        if (checked.size_bytes != static_cast<std::int64_t>(size)) {
            std::abort();
        }
        backup::ReadSpec extract;
        extract.target = target;
        (void)backup::read_archive(file, extract);
    } catch (const Error&) {
        // An archive that cannot be opened at all is refused with a message.
    }
    // Nothing may land beside the target folder.
    for (const auto& entry : fs::directory_iterator(dir / "outside")) {
        if (entry.path() != target) {
            std::abort();
        }
    }
    if (entries_under(dir) != entries_under(dir / "outside") + 2) { // + outside/ and the archive
        std::abort();
    }
    // Only files, folders and symlinks are ever created.
    for (fs::recursive_directory_iterator it(target, fs::directory_options::none, ec), end; !ec && it != end;
         it.increment(ec)) {
        const auto type = it->symlink_status(ec).type();
        if (type != fs::file_type::regular && type != fs::file_type::directory && type != fs::file_type::symlink) {
            std::abort();
        }
    }
    fs::remove_all(dir, ec);
    return 0;
}
