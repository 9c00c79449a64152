#include "lib/setup/sample.hpp"

#include "lib/core/error.hpp"
#include "lib/util/file.hpp"

#include <fmt/format.h>

#include <fstream>

namespace opsctl::setup {

namespace fs = std::filesystem;

InstallResult install_sample_policy(const fs::path& dir, bool force) {
    InstallResult result;
    std::error_code ec;
    for (const auto& file : sample_policy_files()) {
        const fs::path target = dir / file.path;
        if (fs::exists(target, ec) && !force) {
            result.kept.push_back(target.string());
            continue;
        }
        fs::create_directories(target.parent_path(), ec);
        if (ec) {
            throw Failure(fmt::format("cannot create directory '{}': {}", target.parent_path().string(), ec.message()));
        }
        // Policies are read by everyone who runs opsctl and hold no secrets: 0644.
        util::write_file_atomic(target, file.content, 0644);
        result.written.push_back(target.string());
    }
    return result;
}

} // namespace opsctl::setup

namespace opsctl::setup {

bool has_own_main_file(const std::filesystem::path& dir) {
    const auto path = dir / "opsctl.yaml";
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return false;
    }
    for (const auto& file : sample_policy_files()) {
        if (std::string_view(file.path) != "opsctl.yaml") {
            continue;
        }
        // Read one byte more than the sample: a longer file differs too.
        std::string text(file.content.size() + 1, '\0');
        in.read(text.data(), static_cast<std::streamsize>(text.size()));
        text.resize(static_cast<std::size_t>(in.gcount()));
        return text != file.content;
    }
    return true;
}

} // namespace opsctl::setup
