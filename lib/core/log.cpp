#include "lib/core/log.hpp"

#include <cstdio>
#include <mutex>

namespace opsctl::core {

namespace {
std::mutex g_mutex;
std::function<void(const std::string&)> g_sink;
} // namespace

void warn(const std::string& message) {
    std::lock_guard lock(g_mutex);
    if (g_sink) {
        g_sink(message);
        return;
    }
    std::fprintf(stderr, "opsctl: warning: %s\n", message.c_str());
}

void set_warning_sink(std::function<void(const std::string&)> sink) {
    std::lock_guard lock(g_mutex);
    g_sink = std::move(sink);
}

} // namespace opsctl::core
