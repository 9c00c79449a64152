#include "lib/util/curl.hpp"

#include "lib/util/dynlib.hpp"

namespace opsctl::util {

const Curl& curl_api() {
    // A function-local static: several probes run at once on threads.
    static const Curl api = [] {
        const DynamicLibrary lib("libcurl.so.4", "HTTP checks and notifications", "libcurl4");
        Curl c{};
        lib.bind(c.global_init, "curl_global_init");
        lib.bind(c.easy_init, "curl_easy_init");
        lib.bind(c.easy_setopt, "curl_easy_setopt");
        lib.bind(c.easy_perform, "curl_easy_perform");
        lib.bind(c.easy_getinfo, "curl_easy_getinfo");
        lib.bind(c.easy_strerror, "curl_easy_strerror");
        lib.bind(c.easy_cleanup, "curl_easy_cleanup");
        lib.bind(c.slist_append, "curl_slist_append");
        lib.bind(c.slist_free_all, "curl_slist_free_all");
        c.global_init(CURL_GLOBAL_DEFAULT);
        return c;
    }();
    return api;
}

} // namespace opsctl::util
