#pragma once
// Warnings that do not stop a command (a failing notify hook, a skipped file).

#include <functional>
#include <string>

namespace opsctl::core {

/// Reports a warning: "opsctl: warning: <message>" on stderr unless a sink is set.
void warn(const std::string& message);
/// Replaces where warnings go (tests capture them); an empty function restores stderr.
void set_warning_sink(std::function<void(const std::string&)> sink);

} // namespace opsctl::core
