#include "lib/inspect/probes.hpp"

#include "lib/core/error.hpp"
#include "lib/inspect/status.hpp"
#include "lib/util/curl.hpp"
#include "lib/util/pattern.hpp"
#include "lib/util/process.hpp"
#include "lib/util/secret.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <glob.h>
#include <netdb.h>
#include <poll.h>
#include <regex.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace opsctl::inspect {

namespace {

using policy::ChecklistItem;
using policy::ItemKind;
using policy::Threshold;

// Numbers in messages and perfdata: at most two decimals, no trailing zeros.
std::string num(double v) {
    std::string s = fmt::format("{:.2f}", v);
    while (!s.empty() && s.back() == '0') {
        s.pop_back();
    }
    if (!s.empty() && s.back() == '.') {
        s.pop_back();
    }
    return s == "-0" ? "0" : s;
}

std::string pct(double fraction) { return num(fraction * 100) + "%"; }

// The threshold as perfdata shows it, in the metric's unit.
std::string perf_limit(const std::optional<Threshold>& t, Threshold::Unit unit) {
    if (!t || t->unit != unit) {
        return "";
    }
    return t->unit == Threshold::Unit::percent ? num(t->value * 100) : num(t->value);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

ProbeResult unknown(std::string message) { return ProbeResult{k_unknown, std::move(message), ""}; }

// A status from "above is bad" limits.
int judge_above(double value, const std::optional<double>& warn, const std::optional<double>& crit) {
    if (crit && value >= *crit) {
        return k_critical;
    }
    if (warn && value >= *warn) {
        return k_warning;
    }
    return k_ok;
}

int judge_below(double value, const std::optional<double>& warn, const std::optional<double>& crit) {
    if (crit && value < *crit) {
        return k_critical;
    }
    if (warn && value < *warn) {
        return k_warning;
    }
    return k_ok;
}

std::optional<double> limit(const std::optional<Threshold>& t, Threshold::Unit unit) {
    if (t && t->unit == unit) {
        return t->value;
    }
    return std::nullopt;
}

ProbeResult probe_disk(const ChecklistItem& item) {
    struct statvfs st {};
    if (::statvfs(item.path.c_str(), &st) != 0) {
        const int e = errno;
        return ProbeResult{e == ENOENT ? k_critical : k_unknown,
                           fmt::format("cannot read '{}': {}", item.path, std::strerror(e)), ""};
    }
    DiskUsage u;
    const double frsize = static_cast<double>(st.f_frsize);
    const double used = (static_cast<double>(st.f_blocks) - static_cast<double>(st.f_bfree)) * frsize;
    u.free_bytes = static_cast<double>(st.f_bavail) * frsize;
    u.total_bytes = static_cast<double>(st.f_blocks) * frsize;
    // As df computes it: used over what users can fill (reserved blocks left out).
    u.used_fraction = used + u.free_bytes > 0 ? used / (used + u.free_bytes) : 0;
    u.inodes_total = static_cast<double>(st.f_files);
    u.inodes_used_fraction =
        st.f_files > 0 ? (static_cast<double>(st.f_files) - static_cast<double>(st.f_ffree)) / u.inodes_total : 0;
    return judge_disk(u, item);
}

ProbeResult probe_process(const ChecklistItem& item) {
    regex_t re{};
    if (!item.pattern.empty()) {
        const int flags = REG_EXTENDED | REG_NOSUB | (item.ignore_case ? REG_ICASE : 0);
        if (const auto why = util::unsafe_regex(item.pattern)) {
            return unknown(fmt::format("bad pattern '{}': {}", item.pattern, *why));
        }
        if (::regcomp(&re, item.pattern.c_str(), flags) != 0) {
            return unknown(fmt::format("bad pattern '{}'", item.pattern));
        }
    }
    const std::string self = std::to_string(::getpid());
    int count = 0;
    DIR* dir = ::opendir("/proc");
    if (!dir) {
        if (!item.pattern.empty()) {
            ::regfree(&re);
        }
        return unknown(fmt::format("cannot read /proc: {}", std::strerror(errno)));
    }
    while (const dirent* e = ::readdir(dir)) {
        if (!std::isdigit(static_cast<unsigned char>(e->d_name[0])) || self == e->d_name) {
            continue;
        }
        const std::string base = std::string("/proc/") + e->d_name;
        if (!item.process_name.empty()) {
            std::string comm = read_file(base + "/comm");
            if (!comm.empty() && comm.back() == '\n') {
                comm.pop_back();
            }
            // comm is cut at 15 bytes; also compare argv[0]'s base name for longer names.
            bool match = comm == item.process_name || (comm.size() == 15 && item.process_name.rfind(comm, 0) == 0);
            if (!match) {
                std::string cmd = read_file(base + "/cmdline");
                cmd = cmd.substr(0, cmd.find('\0'));
                const auto slash = cmd.rfind('/');
                match = !cmd.empty() && cmd.substr(slash == std::string::npos ? 0 : slash + 1) == item.process_name;
            }
            count += match ? 1 : 0;
        } else {
            std::string cmd = read_file(base + "/cmdline");
            if (cmd.empty()) {
                continue; // kernel threads
            }
            std::replace(cmd.begin(), cmd.end(), '\0', ' ');
            if (cmd.back() == ' ') {
                cmd.pop_back();
            }
            count += ::regexec(&re, cmd.c_str(), 0, nullptr, 0) == 0 ? 1 : 0;
        }
    }
    ::closedir(dir);
    if (!item.pattern.empty()) {
        ::regfree(&re);
    }
    const std::int64_t min = item.min_count.value_or(1);
    const std::string what = item.process_name.empty() ? "matching '" + item.pattern + "'" : "'" + item.process_name + "'";
    ProbeResult r;
    r.perfdata = fmt::format("'procs'={};;;0;", count);
    if (count < min) {
        r.status = k_critical;
        r.message = fmt::format("{} process{} {}, expected at least {}", count, count == 1 ? "" : "es", what, min);
    } else if (item.max_count && count > *item.max_count) {
        r.status = k_critical;
        r.message = fmt::format("{} processes {}, expected at most {}", count, what, *item.max_count);
    } else {
        r.status = k_ok;
        r.message = fmt::format("{} process{} {}", count, count == 1 ? "" : "es", what);
    }
    return r;
}

ProbeResult probe_tcp(const ChecklistItem& item, int timeout_ms) {
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    const auto deadline = started + std::chrono::milliseconds(timeout_ms);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    const std::string where = fmt::format("{}:{}", item.host, item.port);
    if (const int rc = ::getaddrinfo(item.host.c_str(), item.port.c_str(), &hints, &res); rc != 0) {
        return ProbeResult{k_critical, fmt::format("cannot resolve '{}': {}", item.host, ::gai_strerror(rc)), ""};
    }
    std::string last_error = "no address";
    bool connected = false;
    for (addrinfo* a = res; a && !connected; a = a->ai_next) {
        const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            last_error = std::strerror(errno);
            continue;
        }
        int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
            pollfd p{fd, POLLOUT, 0};
            rc = ::poll(&p, 1, static_cast<int>(std::max<std::int64_t>(0, left)));
            if (rc == 0) {
                last_error = fmt::format("no answer within {} ms", timeout_ms);
                rc = -1;
            } else if (rc > 0) {
                int err = 0;
                socklen_t len = sizeof err;
                ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
                rc = err == 0 ? 0 : -1;
                if (err != 0) {
                    last_error = std::strerror(err);
                }
            } else {
                last_error = std::strerror(errno);
            }
        } else if (rc != 0) {
            last_error = std::strerror(errno);
        }
        ::close(fd);
        connected = rc == 0;
    }
    ::freeaddrinfo(res);
    const double secs = std::chrono::duration<double>(Clock::now() - started).count();
    if (!connected) {
        return ProbeResult{k_critical, fmt::format("cannot connect to {}: {}", where, last_error), ""};
    }
    return ProbeResult{k_ok, fmt::format("{} accepts connections ({} ms)", where, num(secs * 1000)),
                       fmt::format("'time'={}s;;;0;", fmt::format("{:.6f}", secs))};
}

size_t collect_body(char* data, size_t size, size_t n, void* user) {
    auto* body = static_cast<std::string*>(user);
    const size_t len = size * n;
    constexpr size_t k_cap = 1 << 20; // enough for a health page; the rest is dropped
    if (body->size() < k_cap) {
        body->append(data, std::min(len, k_cap - body->size()));
    }
    return len;
}

// "Jan  5 12:00:00 2027 GMT" as curl's OpenSSL backend reports the expiry.
std::optional<std::int64_t> parse_cert_time(const std::string& text) {
    std::tm tm{};
    const char* end = ::strptime(text.c_str(), "%b %d %H:%M:%S %Y", &tm);
    if (!end) {
        return std::nullopt;
    }
    return static_cast<std::int64_t>(::timegm(&tm));
}

ProbeResult probe_http(const ChecklistItem& item, const ProbeInput& in) {
    const util::Curl* api = nullptr;
    try {
        api = &util::curl_api();
    } catch (const Error& e) {
        return unknown(fmt::format("{} ({})", e.what(), e.hint()));
    }
    CURL* curl = api->easy_init();
    if (!curl) {
        return unknown("cannot start libcurl");
    }
    // Credentials come from a private file or the environment (see parse_http_auth); every
    // text that leaves this probe names the URL without its password and never holds one.
    std::string password;
    if (!item.auth_user.empty()) {
        if (!item.auth_password_env.empty()) {
            const char* v = std::getenv(item.auth_password_env.c_str());
            if (!v || !*v) {
                api->easy_cleanup(curl);
                return unknown(fmt::format("the environment variable '{}' (the password for '{}') is not set",
                                           item.auth_password_env, item.auth_user));
            }
            password = v;
        } else {
            try {
                password = util::read_secret_file(item.auth_password_file);
            } catch (const Error& e) {
                api->easy_cleanup(curl);
                return unknown(e.hint().empty() ? e.what() : fmt::format("{} ({})", e.what(), e.hint()));
            }
        }
    }
    // The secret part of a userinfo: the password, or a user alone (often a token).
    const std::string url_secret = [&] {
        auto u = util::url_userinfo(item.url);
        return !u ? std::string() : u->password ? *u->password : u->user;
    }();
    const std::string shown_url = util::redact_url(item.url);
    // curl's own error text might quote the request: the URL is shown redacted in it and the
    // passwords are cut out of it.
    auto scrub = [&](const std::string& text) {
        std::string out(text);
        for (auto at = out.find(item.url); !item.url.empty() && at != std::string::npos;
             at = out.find(item.url, at + shown_url.size())) {
            out.replace(at, item.url.size(), shown_url);
        }
        return util::redact(util::redact(out, password), url_secret);
    };
    std::string body;
    char errbuf[CURL_ERROR_SIZE] = {0};
    api->easy_setopt(curl, CURLOPT_URL, item.url.c_str());
    if (!item.auth_user.empty()) {
        api->easy_setopt(curl, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
        api->easy_setopt(curl, CURLOPT_USERNAME, item.auth_user.c_str());
        api->easy_setopt(curl, CURLOPT_PASSWORD, password.c_str());
    }
    api->easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); // several probes run in threads
    api->easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(in.timeout_ms));
    api->easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect_body);
    api->easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    api->easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    api->easy_setopt(curl, CURLOPT_USERAGENT, "opsctl-inspect");
    api->easy_setopt(curl, CURLOPT_CERTINFO, 1L);
    api->easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, item.verify_tls ? 1L : 0L);
    api->easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, item.verify_tls ? 2L : 0L);
    const CURLcode rc = api->easy_perform(curl);
    double total = 0;
    api->easy_getinfo(curl, CURLINFO_TOTAL_TIME, &total);
    ProbeResult r;
    if (rc != CURLE_OK) {
        r.status = k_critical;
        r.message = fmt::format("{}: {}", shown_url, scrub(errbuf[0] ? errbuf : api->easy_strerror(rc)));
        api->easy_cleanup(curl);
        return r;
    }
    long code = 0;
    api->easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    std::optional<std::int64_t> expires;
    curl_certinfo* certs = nullptr;
    if (api->easy_getinfo(curl, CURLINFO_CERTINFO, &certs) == CURLE_OK && certs && certs->num_of_certs > 0) {
        for (curl_slist* s = certs->certinfo[0]; s; s = s->next) {
            const std::string line = s->data;
            if (line.rfind("Expire date:", 0) == 0) {
                expires = parse_cert_time(line.substr(12));
            }
        }
    }
    api->easy_cleanup(curl);
    r.perfdata = fmt::format("'time'={:.6f}s;;;0; 'size'={}B;;;0;", total, body.size());
    r.status = k_ok;
    std::vector<std::string> notes;
    if (std::find(item.expect_status.begin(), item.expect_status.end(), static_cast<int>(code)) ==
        item.expect_status.end()) {
        r.status = k_critical;
        notes.push_back(fmt::format("status {} (expected {})", code, fmt::join(item.expect_status, " or ")));
    } else {
        notes.push_back(fmt::format("status {}", code));
    }
    if (!item.contains.empty() && body.find(item.contains) == std::string::npos) {
        r.status = k_critical;
        notes.push_back(fmt::format("body lacks '{}'", item.contains));
    }
    if (expires) {
        const std::int64_t days = (*expires - in.now) / 86400;
        notes.push_back(fmt::format("certificate expires in {} day{}", days, days == 1 ? "" : "s"));
        r.perfdata += fmt::format(" 'cert_days'={};{};{};;", days, item.cert_warn_days, item.cert_crit_days);
        if (days < item.cert_crit_days) {
            r.status = k_critical;
        } else if (days < item.cert_warn_days) {
            r.status = worse(r.status, k_warning);
        }
    }
    r.message = fmt::format("{}: {} in {} s", shown_url, fmt::join(notes, ", "), num(total));
    return r;
}

ProbeResult probe_file_age(const ChecklistItem& item, std::int64_t now) {
    std::vector<std::string> paths;
    if (item.path.find_first_of("*?[") == std::string::npos) {
        paths.push_back(item.path);
    } else {
        glob_t g{};
        if (::glob(item.path.c_str(), GLOB_NOSORT, nullptr, &g) == 0) {
            for (size_t i = 0; i < g.gl_pathc; ++i) {
                paths.emplace_back(g.gl_pathv[i]);
            }
        }
        ::globfree(&g);
    }
    std::optional<std::int64_t> newest;
    std::string newest_path;
    for (const auto& p : paths) {
        struct stat st {};
        if (::stat(p.c_str(), &st) == 0 && (!newest || st.st_mtime > *newest)) {
            newest = st.st_mtime;
            newest_path = p;
        }
    }
    if (!newest) {
        return ProbeResult{k_critical, fmt::format("no file matches '{}'", item.path), ""};
    }
    const std::int64_t age = std::max<std::int64_t>(0, now - *newest);
    ProbeResult r;
    const std::int64_t crit = item.max_age ? item.max_age->approx_seconds() : 0;
    const std::int64_t warn = item.warn_age ? item.warn_age->approx_seconds() : 0;
    r.perfdata = fmt::format("'age'={}s;{};{};0;", age, warn ? std::to_string(warn) : "", crit ? std::to_string(crit) : "");
    r.message = fmt::format("'{}' is {} old", newest_path, core::format_seconds(age));
    if (crit && age > crit) {
        r.status = k_critical;
        r.message += fmt::format(" (limit {})", core::format_duration(*item.max_age));
    } else if (warn && age > warn) {
        r.status = k_warning;
        r.message += fmt::format(" (warning after {})", core::format_duration(*item.warn_age));
    } else {
        r.status = k_ok;
    }
    return r;
}

ProbeOutput probe_log_scan(const ChecklistItem& item, const ProbeInput& in) {
    ProbeOutput out;
    const int fd = ::open(item.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int e = errno;
        out.result = ProbeResult{item.missing_status, fmt::format("cannot read '{}': {}", item.path, std::strerror(e)), ""};
        return out;
    }
    struct stat st {};
    ::fstat(fd, &st);
    LogCursor cur{static_cast<std::int64_t>(st.st_ino), 0, static_cast<std::int64_t>(st.st_size)};
    std::string note;
    if (in.cursor) {
        if (in.cursor->inode != cur.inode) {
            note = " (file was rotated: read from the start)";
        } else if (st.st_size < in.cursor->offset) {
            note = " (file was truncated: read from the start)";
        } else {
            cur.offset = in.cursor->offset;
        }
    }
    regex_t re{};
    if (const auto why = util::unsafe_regex(item.pattern)) {
        ::close(fd);
        out.result = unknown(fmt::format("bad pattern '{}': {}", item.pattern, *why));
        return out;
    }
    if (::regcomp(&re, item.pattern.c_str(), REG_EXTENDED | REG_NOSUB | (item.ignore_case ? REG_ICASE : 0)) != 0) {
        ::close(fd);
        out.result = unknown(fmt::format("bad pattern '{}'", item.pattern));
        return out;
    }
    ::lseek(fd, cur.offset, SEEK_SET);
    // Only whole lines count: a line still being written is read on the next run.
    std::string pending;
    std::int64_t lines = 0, matches = 0;
    std::string last_match;
    char buf[65536];
    std::int64_t consumed = cur.offset;
    while (true) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) {
            break;
        }
        pending.append(buf, static_cast<size_t>(n));
        size_t start = 0;
        for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
            std::string line = pending.substr(start, nl - start);
            ++lines;
            if (::regexec(&re, line.c_str(), 0, nullptr, 0) == 0) {
                ++matches;
                last_match = std::move(line);
            }
        }
        consumed += static_cast<std::int64_t>(start);
        pending.erase(0, start);
    }
    ::regfree(&re);
    ::close(fd);
    cur.offset = consumed;
    out.cursor = cur;
    const auto warn = limit(item.warn, Threshold::Unit::number);
    const auto crit = limit(item.crit, Threshold::Unit::number);
    out.result.status = judge_above(static_cast<double>(matches), warn, crit);
    out.result.perfdata = fmt::format("'matches'={};{};{};0; 'lines'={};;;0;", matches, warn ? num(*warn) : "",
                                      crit ? num(*crit) : "", lines);
    out.result.message = fmt::format("{} of {} new line{} in '{}' match '{}'{}", matches, lines, lines == 1 ? "" : "s",
                                     item.path, item.pattern, note);
    if (!last_match.empty()) {
        if (last_match.size() > 200) {
            last_match = last_match.substr(0, 200);
            while (!last_match.empty() && (static_cast<unsigned char>(last_match.back()) & 0xC0) == 0x80) {
                last_match.pop_back(); // never cut a UTF-8 character
            }
            if (!last_match.empty() && static_cast<unsigned char>(last_match.back()) >= 0xC0) {
                last_match.pop_back();
            }
            last_match += "…";
        }
        out.result.message += "; last: " + last_match;
    }
    return out;
}

ProbeResult probe_command(const ChecklistItem& item, int timeout_ms) {
    util::ProcessOptions opt;
    opt.timeout_ms = timeout_ms;
    opt.env = util::minimal_environment();
    opt.max_output = 64 * 1024;
    std::vector<std::string> argv = item.shell ? std::vector<std::string>{"/bin/sh", "-c", item.command.front()}
                                               : item.command;
    const auto res = util::run_process(argv, opt);
    if (res.timed_out) {
        return ProbeResult{item.on_timeout, fmt::format("timed out after {} s", num(timeout_ms / 1000.0)), ""};
    }
    if (res.spawn_failed) {
        return unknown(res.err);
    }
    if (res.signal != 0) {
        return unknown(fmt::format("killed by signal {} ({})", res.signal, ::strsignal(res.signal)));
    }
    return parse_plugin_output(res.exit_code, res.out, res.err);
}

} // namespace

std::string format_bytes(double bytes) {
    static const char* k_units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int u = 0;
    while (bytes >= 1024 && u < 5) {
        bytes /= 1024;
        ++u;
    }
    return u == 0 ? fmt::format("{} B", num(bytes)) : fmt::format("{:.1f} {}", bytes, k_units[u]);
}

MemoryInfo parse_meminfo(const std::string& text) {
    MemoryInfo m;
    std::istringstream in(text);
    std::string key;
    double value = 0;
    std::string unit;
    std::string line;
    bool have_available = false;
    double free = 0, buffers = 0, cached = 0;
    while (std::getline(in, line)) {
        std::istringstream l(line);
        if (!(l >> key >> value)) {
            continue;
        }
        unit.clear();
        l >> unit;
        const double bytes = unit == "kB" ? value * 1024 : value;
        if (key == "MemTotal:") {
            m.total = bytes;
        } else if (key == "MemAvailable:") {
            m.available = bytes;
            have_available = true;
        } else if (key == "MemFree:") {
            free = bytes;
        } else if (key == "Buffers:") {
            buffers = bytes;
        } else if (key == "Cached:") {
            cached = bytes;
        } else if (key == "SwapTotal:") {
            m.swap_total = bytes;
        } else if (key == "SwapFree:") {
            m.swap_free = bytes;
        }
    }
    if (!have_available) {
        m.available = free + buffers + cached; // kernels before 3.14
    }
    return m;
}

ProbeResult judge_disk(const DiskUsage& u, const ChecklistItem& item) {
    using U = Threshold::Unit;
    ProbeResult r;
    int s = judge_above(u.used_fraction, limit(item.warn, U::percent), limit(item.crit, U::percent));
    s = worse(s, judge_below(u.free_bytes, limit(item.warn, U::bytes), limit(item.crit, U::bytes)));
    r.message = fmt::format("{} {} used, {} free of {}", item.path, pct(u.used_fraction), format_bytes(u.free_bytes),
                            format_bytes(u.total_bytes));
    r.perfdata = fmt::format("'used'={}%;{};{};0;100 'free'={}B;{};{};0;{}", num(u.used_fraction * 100),
                             perf_limit(item.warn, U::percent), perf_limit(item.crit, U::percent),
                             num(u.free_bytes), perf_limit(item.warn, U::bytes), perf_limit(item.crit, U::bytes),
                             num(u.total_bytes));
    if (u.inodes_total > 0) {
        s = worse(s, judge_above(u.inodes_used_fraction, item.inodes_warn, item.inodes_crit));
        r.message += fmt::format(", inodes {} used", pct(u.inodes_used_fraction));
        r.perfdata += fmt::format(" 'inodes'={}%;{};{};0;100", num(u.inodes_used_fraction * 100),
                                  item.inodes_warn ? num(*item.inodes_warn * 100) : "",
                                  item.inodes_crit ? num(*item.inodes_crit * 100) : "");
    }
    r.status = s;
    return r;
}

ProbeResult judge_memory(const MemoryInfo& m, const ChecklistItem& item) {
    using U = Threshold::Unit;
    if (m.total <= 0) {
        return unknown("cannot read memory size");
    }
    const double frac = m.available / m.total;
    int s = judge_below(frac, limit(item.warn, U::percent), limit(item.crit, U::percent));
    s = worse(s, judge_below(m.available, limit(item.warn, U::bytes), limit(item.crit, U::bytes)));
    ProbeResult r;
    r.status = s;
    r.message = fmt::format("{} available ({} of {})", pct(frac), format_bytes(m.available), format_bytes(m.total));
    r.perfdata = fmt::format("'available'={}%;{};{};0;100 'available_bytes'={}B;;;0;{}", num(frac * 100),
                             perf_limit(item.warn, U::percent), perf_limit(item.crit, U::percent), num(m.available),
                             num(m.total));
    return r;
}

ProbeResult judge_swap(const MemoryInfo& m, const ChecklistItem& item) {
    using U = Threshold::Unit;
    if (m.swap_total <= 0) {
        return ProbeResult{k_ok, "no swap configured", "'swap_used'=0%;;;0;100"};
    }
    const double frac = (m.swap_total - m.swap_free) / m.swap_total;
    ProbeResult r;
    r.status = judge_above(frac, limit(item.warn, U::percent), limit(item.crit, U::percent));
    r.message = fmt::format("{} of swap used ({} of {})", pct(frac), format_bytes(m.swap_total - m.swap_free),
                            format_bytes(m.swap_total));
    r.perfdata = fmt::format("'swap_used'={}%;{};{};0;100", num(frac * 100), perf_limit(item.warn, U::percent),
                             perf_limit(item.crit, U::percent));
    return r;
}

ProbeResult judge_load(double load, int cpus, const ChecklistItem& item) {
    using U = Threshold::Unit;
    cpus = std::max(1, cpus);
    const double per_cpu = load / cpus;
    ProbeResult r;
    r.status = judge_above(per_cpu, limit(item.warn, U::number), limit(item.crit, U::number));
    r.message = fmt::format("load {} over {} minute{} on {} CPU{} ({} per CPU)", num(load), item.load_minutes,
                            item.load_minutes == 1 ? "" : "s", cpus, cpus == 1 ? "" : "s", num(per_cpu));
    r.perfdata = fmt::format("'load{}'={};{};{};0;", item.load_minutes, num(per_cpu), perf_limit(item.warn, U::number),
                             perf_limit(item.crit, U::number));
    return r;
}

ProbeResult parse_plugin_output(int exit_code, const std::string& out, const std::string& err) {
    ProbeResult r;
    r.status = exit_code >= 0 && exit_code <= 3 ? exit_code : k_unknown;
    const std::string& text = out.find_first_not_of(" \t\r\n") != std::string::npos ? out : err;
    std::istringstream in(text);
    std::string line;
    std::vector<std::string> perf;
    bool first = true;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        const auto bar = line.find('|');
        if (bar != std::string::npos) {
            auto p = std::string(line.substr(bar + 1));
            const auto b = p.find_first_not_of(' ');
            const auto e = p.find_last_not_of(' ');
            if (b != std::string::npos) {
                perf.push_back(p.substr(b, e - b + 1));
            }
        }
        if (first) {
            std::string msg = line.substr(0, bar);
            while (!msg.empty() && msg.back() == ' ') {
                msg.pop_back();
            }
            r.message = msg;
            first = false;
        }
    }
    if (exit_code > 3) {
        r.message = fmt::format("exit status {}{}{}", exit_code, r.message.empty() ? "" : ": ", r.message);
    } else if (r.message.empty()) {
        r.message = fmt::format("exit status {}, no output", exit_code);
    }
    r.perfdata = fmt::format("{}", fmt::join(perf, " "));
    return r;
}

ProbeOutput run_probe(const ChecklistItem& item, const ProbeInput& in) {
    ProbeOutput out;
    switch (item.kind) {
    case ItemKind::disk:
        out.result = probe_disk(item);
        break;
    case ItemKind::memory:
    case ItemKind::swap: {
        const std::string text = read_file("/proc/meminfo");
        if (text.empty()) {
            out.result = unknown("cannot read /proc/meminfo");
            break;
        }
        const auto mem = parse_meminfo(text);
        out.result = item.kind == ItemKind::memory ? judge_memory(mem, item) : judge_swap(mem, item);
        break;
    }
    case ItemKind::load: {
        double avg[3] = {0, 0, 0};
        if (::getloadavg(avg, 3) != 3) {
            out.result = unknown("cannot read the load average");
            break;
        }
        const double load = item.load_minutes == 1 ? avg[0] : item.load_minutes == 15 ? avg[2] : avg[1];
        out.result = judge_load(load, static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN)), item);
        break;
    }
    case ItemKind::process:
        out.result = probe_process(item);
        break;
    case ItemKind::tcp:
        out.result = probe_tcp(item, in.timeout_ms);
        break;
    case ItemKind::http:
        out.result = probe_http(item, in);
        break;
    case ItemKind::file_age:
        out.result = probe_file_age(item, in.now);
        break;
    case ItemKind::log_scan:
        return probe_log_scan(item, in);
    case ItemKind::command:
        out.result = probe_command(item, in.timeout_ms);
        break;
    case ItemKind::manual:
        out.result = ProbeResult{k_unknown, "a manual item is answered by a person", ""};
        break;
    }
    return out;
}

} // namespace opsctl::inspect
