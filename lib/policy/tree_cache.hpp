#pragma once
// A per-user cache of parsed policy files: yaml-cpp needs about 1,800 instructions a byte,
// which made parsing the policy most of a command's own start-up. The cache holds the tree
// of each file (lib/policy/node.hpp, positions included) keyed by the file's exact bytes: a
// file that changes in any way is parsed again.

#include "lib/policy/node.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace opsctl::policy {

/// The cache directory: $OPSCTL_CACHE_DIR, $XDG_CACHE_HOME/opsctl/policy or
/// ~/.cache/opsctl/policy; empty when there is none or OPSCTL_CACHE_DIR is "off".
std::filesystem::path tree_cache_dir();

/// The cached tree of a file whose bytes are exactly `text`; nullopt when there is none (or
/// `dir` is empty, or the entry is damaged or not this user's).
std::optional<Document> cached_document(const std::filesystem::path& dir, const std::string& text);
/// Keeps the tree parsed from `text`; failures are ignored (the cache is optional).
void store_document(const std::filesystem::path& dir, const std::string& text, const Document& doc);

} // namespace opsctl::policy
