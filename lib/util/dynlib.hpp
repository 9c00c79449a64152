#pragma once
// Shared libraries opened on first use. libcurl and libarchive brought most of the shared
// libraries the binary loaded at every start, while only HTTP checks and backups need them;
// loading them when first called keeps every other command quick.

#include <string>
#include <string_view>

namespace opsctl::util {

/// A library opened with dlopen and kept open for the life of the process.
class DynamicLibrary {
public:
    /// Opens `soname` (e.g. "libcurl.so.4"); throws Failure naming it and `purpose`, with a hint
    /// naming the Debian `package`, when it cannot be loaded. A plain string literal, so that the
    /// name stays readable in the binary (test_install checks the package's Depends by it).
    DynamicLibrary(const char* soname, std::string_view purpose, std::string_view package);

    /// The function `name` as a pointer of type F; throws Failure when the library lacks it.
    template <class F>
    F* function(const char* name) const {
        return reinterpret_cast<F*>(address(name));
    }

    /// Sets `slot`, an entry of a table of function pointers, to the function `name`.
    template <class F>
    void bind(F*& slot, const char* name) const {
        slot = function<F>(name);
    }

private:
    void* address(const char* name) const;

    std::string m_soname;
    void* m_handle = nullptr;
};

} // namespace opsctl::util
