#pragma once
// Finding and loading a policy directory.

#include "lib/policy/policy.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace opsctl::policy {

/// The policy directory: --config, else $OPSCTL_CONFIG, else $XDG_CONFIG_HOME/opsctl
/// (~/.config/opsctl), else /etc/opsctl.
std::filesystem::path find_policy_dir(const std::optional<std::string>& option);

/// Loads opsctl.yaml and policies/*.yaml, merging sections, and validates the sections in
/// `sections` (site is always validated). Throws ConfigError (exit 78) listing every problem
/// as "file:line:col: message".
Policy load_policy(const std::filesystem::path& dir, unsigned sections = section::k_all);

/// The merged policy as YAML, all sections or one; throws ConfigError for an unknown section.
std::string effective_policy_yaml(const std::filesystem::path& dir, const std::string& section_name = {});

} // namespace opsctl::policy
