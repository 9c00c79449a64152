#include "lib/core/identity.hpp"

#include <cstdlib>
#include <pwd.h>
#include <unistd.h>

namespace opsctl::core {

std::string acting_user(const std::optional<std::string>& as_option) {
    if (as_option && !as_option->empty()) {
        return *as_option;
    }
    for (const char* var : {"OPSCTL_USER", "SUDO_USER", "LOGNAME", "USER"}) {
        if (const char* v = std::getenv(var); v && *v) {
            return v;
        }
    }
    if (const passwd* pw = ::getpwuid(::geteuid())) {
        return pw->pw_name;
    }
    return "uid" + std::to_string(::geteuid());
}

} // namespace opsctl::core
