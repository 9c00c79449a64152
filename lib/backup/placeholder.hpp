#pragma once
// Placeholders in a backup job's commands ({{dest}}, {{path}}, {{target}}, captured values):
// each value is inert data. Commands are argv lists run without a shell, so a value is
// always part of one whole argument and is never split or interpreted; a value that starts
// with '-' (it could be read as an option) or holds a control character is refused.

#include <map>
#include <string>
#include <vector>

namespace opsctl::backup {

/// Throws DataError when `value` (of placeholder `name`) starts with '-', holds a control
/// character, is empty or longer than 4096 bytes.
void check_inert(const std::string& name, const std::string& value);

/// `argv` with every {{name}} replaced by values.at(name), each value checked with
/// check_inert. Throws DataError for a name without a value.
std::vector<std::string> expand_argv(const std::vector<std::string>& argv,
                                     const std::map<std::string, std::string>& values);

} // namespace opsctl::backup
