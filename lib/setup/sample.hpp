#pragma once
// The sample policy set compiled into the binary, and installing it (`opsctl init`).

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace opsctl::setup {

/// One file of the sample policy, path relative to the policy directory.
struct SampleFile {
    const char* path;
    std::string_view content;
};

/// The sample policy set (config/ of the source tree), as compiled in.
const std::vector<SampleFile>& sample_policy_files();

/// What installing the sample policy did.
struct InstallResult {
    std::vector<std::string> written;
    std::vector<std::string> kept; // existed and were left alone (no --force)
};

/// Writes the sample policy into `dir` (created 0755 if missing). Existing files are kept
/// unless `force`; each file is written through util::AtomicFile (a random temporary name,
/// never through a symlink, renamed into place), mode 0644.
InstallResult install_sample_policy(const std::filesystem::path& dir, bool force);

} // namespace opsctl::setup

namespace opsctl::setup {

/// True when `dir` holds an opsctl.yaml that is not the sample's: a policy written by hand,
/// which the sample's policies/ files (naming the sample's people, teams and rotations)
/// would not fit.
bool has_own_main_file(const std::filesystem::path& dir);

} // namespace opsctl::setup
