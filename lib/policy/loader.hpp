#pragma once
// Finding and loading a policy directory.

#include "lib/policy/policy.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace opsctl::policy {

/// A policy directory and the rule that chose it (for `opsctl policy path`).
struct PolicyDirChoice {
    std::filesystem::path dir;
    std::string rule;
};

/// The policy directory: --config, else $OPSCTL_CONFIG, else $XDG_CONFIG_HOME/opsctl, else
/// ~/.config/opsctl when it exists, else /etc/opsctl for root, else (an ordinary user)
/// /etc/opsctl when it exists and ~/.config/opsctl otherwise. For `init` (`for_init`), an
/// ordinary user always gets ~/.config/opsctl: init never reaches for /etc unless root.
PolicyDirChoice choose_policy_dir(const std::optional<std::string>& option, bool for_init = false);

/// choose_policy_dir(option).dir.
std::filesystem::path find_policy_dir(const std::optional<std::string>& option);

/// The site-wide policy directory, /etc/opsctl.
inline constexpr const char* k_system_policy_dir = "/etc/opsctl";

/// Loads opsctl.yaml and policies/*.yaml, merging sections, and validates the sections in
/// `sections` (site is always validated). Throws ConfigError (exit 78) listing every problem
/// as "file:line:col: message".
Policy load_policy(const std::filesystem::path& dir, unsigned sections = section::k_all);

/// The merged policy as YAML, all sections or one; throws ConfigError for an unknown section.
std::string effective_policy_yaml(const std::filesystem::path& dir, const std::string& section_name = {});

} // namespace opsctl::policy
