#include "lib/util/dynlib.hpp"

#include "lib/core/error.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

namespace opsctl::util {

DynamicLibrary::DynamicLibrary(const char* soname, std::string_view purpose, std::string_view package)
    : m_soname(soname) {
    // RTLD_NOW: a missing symbol shows here, once, rather than as a crash in the middle of work.
    // Never closed: libraries such as libcurl keep global state until exit.
    m_handle = ::dlopen(m_soname.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!m_handle) {
        const char* why = ::dlerror();
        throw Failure(fmt::format("cannot load '{}', which {} needs: {}", m_soname, purpose, why ? why : "unknown error"),
                      fmt::format("install the Debian package '{}'", package));
    }
}

void* DynamicLibrary::address(const char* name) const {
    ::dlerror();
    void* p = ::dlsym(m_handle, name);
    if (!p) {
        const char* why = ::dlerror();
        throw Failure(fmt::format("'{}' has no function '{}': {}", m_soname, name, why ? why : "null symbol"),
                      "the installed library is older than the one opsctl was built against");
    }
    return p;
}

} // namespace opsctl::util
