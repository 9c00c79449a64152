#include "lib/core/zone.hpp"

#include "lib/core/error.hpp"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

namespace opsctl::core {

namespace fs = std::filesystem;

// The offsets of one zone, read from its TZif file (RFC 8536). Conversions are a binary
// search, with no global state: glibc's localtime_r re-parses the zone's rule string on
// every call for instants after the last listed transition, which made bulk work slow.
struct Zone::Data {
    std::vector<std::int64_t> transitions; // instants at which `offsets[i]` starts
    std::vector<int> offsets;
    int initial_offset = 0;                // before the first transition
    bool rule_after_last = false;          // a DST rule applies after the last transition
};

namespace {

// glibc converts through the process-wide TZ; the mutex keeps conversions in
// different zones from interleaving when probes run on several threads.
std::mutex g_tz_mutex;
std::string g_tz_current;
bool g_tz_set = false;

int glibc_offset(const std::string& name, std::int64_t t) {
    std::lock_guard lock(g_tz_mutex);
    if (!g_tz_set || g_tz_current != name) {
        ::setenv("TZ", (":" + name).c_str(), 1);
        ::tzset();
        g_tz_current = name;
        g_tz_set = true;
    }
    std::tm tm{};
    const std::time_t tt = static_cast<std::time_t>(t);
    ::localtime_r(&tt, &tm);
    return static_cast<int>(tm.tm_gmtoff);
}

fs::path zone_file(const std::string& name) {
    const char* dir = std::getenv("TZDIR");
    return fs::path(dir ? dir : "/usr/share/zoneinfo") / name;
}

std::uint32_t be32(const unsigned char* p) {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

std::int64_t be64(const unsigned char* p) {
    return static_cast<std::int64_t>((std::uint64_t(be32(p)) << 32) | be32(p + 4));
}

// Reads the 64-bit (version 2+) part of a TZif file; nullptr when it is not one.
std::shared_ptr<const Zone::Data> read_tzif(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string bytes = buffer.str();
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::size_t size = bytes.size();
    auto header = [&](std::size_t at, std::uint32_t (&counts)[6]) {
        if (at + 44 > size || bytes.compare(at, 4, "TZif") != 0) {
            return false;
        }
        for (int i = 0; i < 6; ++i) {
            counts[i] = be32(p + at + 20 + 4 * i);
        }
        return true;
    };
    std::uint32_t c[6];
    if (!header(0, c) || p[4] < '2') {
        return nullptr;
    }
    // Skip the 32-bit block: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt.
    std::size_t at = 44 + std::size_t(c[3]) * 5 + std::size_t(c[4]) * 6 + c[5] + std::size_t(c[2]) * 8 + c[1] + c[0];
    if (!header(at, c)) {
        return nullptr;
    }
    at += 44;
    const std::uint32_t timecnt = c[3], typecnt = c[4];
    const std::size_t need = std::size_t(timecnt) * 9 + std::size_t(typecnt) * 6;
    if (typecnt == 0 || at + need > size) {
        return nullptr;
    }
    auto data = std::make_shared<Zone::Data>();
    std::vector<int> type_offsets(typecnt);
    std::vector<bool> type_dst(typecnt);
    const unsigned char* times = p + at;
    const unsigned char* idx = times + std::size_t(timecnt) * 8;
    const unsigned char* types = idx + timecnt;
    for (std::uint32_t i = 0; i < typecnt; ++i) {
        type_offsets[i] = static_cast<std::int32_t>(be32(types + 6 * i));
        type_dst[i] = types[6 * i + 4] != 0;
    }
    for (std::uint32_t i = 0; i < timecnt; ++i) {
        if (idx[i] >= typecnt) {
            return nullptr;
        }
        data->transitions.push_back(be64(times + 8 * i));
        data->offsets.push_back(type_offsets[idx[i]]);
    }
    data->initial_offset = type_offsets[0];
    for (std::uint32_t i = 0; i < typecnt; ++i) {
        if (!type_dst[i]) {
            data->initial_offset = type_offsets[i];
            break;
        }
    }
    // The footer is a POSIX TZ string; one with a comma has DST rules past the table.
    const std::size_t footer = bytes.rfind('\n', size >= 2 ? size - 2 : 0);
    if (footer != std::string::npos) {
        data->rule_after_last = bytes.find(',', footer) != std::string::npos;
    }
    return data;
}

std::shared_ptr<const Zone::Data> load_data(const std::string& name) {
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const Zone::Data>> cache;
    std::lock_guard lock(mutex);
    auto it = cache.find(name);
    if (it != cache.end()) {
        return it->second;
    }
    std::shared_ptr<const Zone::Data> data;
    if (name == "UTC" || name == "Etc/UTC") {
        data = std::make_shared<Zone::Data>();
    } else {
        data = read_tzif(zone_file(name));
    }
    cache.emplace(name, data);
    return data;
}

} // namespace

Zone::Zone() : m_name("UTC"), m_data(load_data("UTC")) {}

Zone::Zone(std::string name) : m_name(std::move(name)) {
    if (!exists(m_name)) {
        throw ConfigError("unknown time zone '" + m_name + "'", "use an IANA name such as Asia/Shanghai");
    }
    m_data = load_data(m_name);
}

bool Zone::exists(const std::string& name) {
    if (name == "UTC" || name == "Etc/UTC") {
        return true;
    }
    if (name.empty() || name.find("..") != std::string::npos || name.front() == '/') {
        return false;
    }
    std::error_code ec;
    return fs::is_regular_file(zone_file(name), ec);
}

int Zone::offset_at(std::int64_t t) const {
    if (!m_data) {
        return glibc_offset(m_name, t); // not a TZif v2 file: let the C library read it
    }
    const auto& tr = m_data->transitions;
    if (tr.empty() || t < tr.front()) {
        return m_data->initial_offset;
    }
    if (t >= tr.back() && m_data->rule_after_last) {
        return glibc_offset(m_name, t);
    }
    const auto it = std::upper_bound(tr.begin(), tr.end(), t);
    return m_data->offsets[static_cast<std::size_t>(it - tr.begin()) - 1];
}

CivilTime Zone::to_civil(std::int64_t t) const {
    CivilTime c;
    c.utc_offset = offset_at(t);
    const std::int64_t local = t + c.utc_offset;
    std::int64_t days = local / 86400;
    std::int64_t secs = local % 86400;
    if (secs < 0) {
        secs += 86400;
        --days;
    }
    c.date = civil_from_days(days);
    c.hour = static_cast<int>(secs / 3600);
    c.minute = static_cast<int>(secs % 3600 / 60);
    c.second = static_cast<int>(secs % 60);
    return c;
}

std::int64_t Zone::from_civil(const Date& date, int seconds_of_day) const {
    // Read the reading as if it were UTC, then try the offsets in force a day
    // either side: a candidate is valid when its own offset agrees. No valid
    // candidate means a DST gap; two mean an overlap.
    const std::int64_t naive = days_from_civil(date) * 86400 + seconds_of_day;
    const int before = offset_at(naive - 86400);
    const int after = offset_at(naive + 86400);
    std::int64_t best = 0;
    bool found = false;
    for (int offset : {before, after}) {
        const std::int64_t candidate = naive - offset;
        if (offset_at(candidate) == offset && (!found || candidate < best)) {
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
