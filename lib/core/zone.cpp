#include "lib/core/zone.hpp"

#include "lib/core/error.hpp"

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <mutex>

namespace opsctl::core {

namespace {

// glibc converts through the process-wide TZ; the mutex keeps conversions in
// different zones from interleaving when probes run on several threads.
std::mutex g_tz_mutex;
std::string g_tz_current;
bool g_tz_set = false;

void select_zone(const std::string& name) {
    if (g_tz_set && g_tz_current == name) {
        return;
    }
    ::setenv("TZ", name.empty() ? "UTC0" : (":" + name).c_str(), 1);
    ::tzset();
    g_tz_current = name;
    g_tz_set = true;
}

} // namespace

Zone::Zone() : m_name("UTC") {}

Zone::Zone(std::string name) : m_name(std::move(name)) {
    if (!exists(m_name)) {
        throw ConfigError("unknown time zone '" + m_name + "'", "use an IANA name such as Asia/Shanghai");
    }
}

bool Zone::exists(const std::string& name) {
    if (name == "UTC" || name == "Etc/UTC") {
        return true;
    }
    if (name.empty() || name.find("..") != std::string::npos || name.front() == '/') {
        return false;
    }
    const char* dir = std::getenv("TZDIR");
    std::filesystem::path base = dir ? dir : "/usr/share/zoneinfo";
    std::error_code ec;
    return std::filesystem::is_regular_file(base / name, ec);
}

CivilTime Zone::to_civil(std::int64_t t) const {
    std::tm tm{};
    const std::time_t tt = static_cast<std::time_t>(t);
    {
        std::lock_guard lock(g_tz_mutex);
        select_zone(m_name);
        ::localtime_r(&tt, &tm);
    }
    CivilTime c;
    c.date = Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
    c.hour = tm.tm_hour;
    c.minute = tm.tm_min;
    c.second = tm.tm_sec;
    c.utc_offset = static_cast<int>(tm.tm_gmtoff);
    return c;
}

std::int64_t Zone::from_civil(const Date& date, int seconds_of_day) const {
    // Read the reading as if it were UTC, then try the offsets in force a day
    // either side: a candidate is valid when its own offset agrees. No valid
    // candidate means a DST gap; two mean an overlap.
    const std::int64_t naive = days_from_civil(date) * 86400 + seconds_of_day;
    const int before = to_civil(naive - 86400).utc_offset;
    const int after = to_civil(naive + 86400).utc_offset;
    std::int64_t best = 0;
    bool found = false;
    for (int offset : {before, after}) {
        const std::int64_t candidate = naive - offset;
        if (to_civil(candidate).utc_offset == offset && (!found || candidate < best)) {
            best = candidate;
            found = true;
        }
    }
    if (!found) {
        // In a gap: the clock jumped forward, so move the reading forward by the gap.
        best = naive - before;
    }
    return best;
}

} // namespace opsctl::core
