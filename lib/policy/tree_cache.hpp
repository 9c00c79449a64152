#pragma once
// A per-user cache of parsed policy files: yaml-cpp needs about 1,800 instructions a byte,
// which made parsing the policy most of a command's own start-up. The cache holds the node
// tree of each file keyed by the file's exact bytes, without positions: a load that reports
// a problem is done again from the YAML text so that messages keep their file:line:col.

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>
#include <string>

namespace opsctl::policy {

/// The cache directory: $OPSCTL_CACHE_DIR, $XDG_CACHE_HOME/opsctl/policy or
/// ~/.cache/opsctl/policy; empty when there is none or OPSCTL_CACHE_DIR is "off".
std::filesystem::path tree_cache_dir();

/// The bytes of a node tree (nullopt when it is too large to be worth keeping).
std::optional<std::string> encode_tree(const YAML::Node& root);
/// The node tree back from encode_tree's bytes; nullopt when they are damaged.
std::optional<YAML::Node> decode_tree(const std::string& bytes);

/// The cached tree of a file whose bytes are exactly `text`.
std::optional<YAML::Node> cached_tree(const std::filesystem::path& dir, const std::string& text);
/// Keeps the tree parsed from `text`; failures are ignored (the cache is optional).
void store_tree(const std::filesystem::path& dir, const std::string& text, const YAML::Node& root);

} // namespace opsctl::policy
