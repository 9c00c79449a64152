#pragma once
// libcurl, opened with dlopen on first use (see dynlib.hpp): HTTP checks of lib/inspect and
// the notification channels of lib/notify. A layer that includes this needs libcurl's headers
// on its include path (CMakeLists.txt: CURL_INCLUDE_DIRS), never its library.

#include <curl/curl.h>

namespace opsctl::util {

/// The libcurl functions opsctl calls.
struct Curl {
    decltype(&::curl_global_init) global_init;
    decltype(&::curl_easy_init) easy_init;
    decltype(&::curl_easy_setopt) easy_setopt;
    decltype(&::curl_easy_perform) easy_perform;
    decltype(&::curl_easy_getinfo) easy_getinfo;
    decltype(&::curl_easy_strerror) easy_strerror;
    decltype(&::curl_easy_cleanup) easy_cleanup;
    decltype(&::curl_slist_append) slist_append;
    decltype(&::curl_slist_free_all) slist_free_all;
};

/// libcurl, loaded and initialised on the first call (thread-safe); throws Failure naming the
/// Debian package when it cannot be loaded.
const Curl& curl_api();

} // namespace opsctl::util
