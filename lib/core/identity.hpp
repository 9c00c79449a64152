#pragma once
// Who is acting: recorded in every event.

#include <optional>
#include <string>

namespace opsctl::core {

/// The acting user: --as USER, else $OPSCTL_USER, else $SUDO_USER, else the login name,
/// else the name of the effective uid.
std::string acting_user(const std::optional<std::string>& as_option);

} // namespace opsctl::core
