#include "lib/backup/command_job.hpp"

#include "lib/backup/placeholder.hpp"
#include "lib/core/duration.hpp"
#include "lib/core/error.hpp"
#include "lib/util/file.hpp"
#include "lib/util/process.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <regex>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace opsctl::backup {

namespace {

bool variable_name(const std::string& n) {
    return !n.empty() && !std::isdigit(static_cast<unsigned char>(n[0])) &&
           std::all_of(n.begin(), n.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

// Reads KEY=VALUE lines (blank lines and '#' comments skipped, "export " allowed, one pair
// of surrounding quotes taken off) from a file only its owner can read. Messages name the
// file and the line, never a value: the file holds secrets.
void read_env_file(const fs::path& path, std::map<std::string, std::string>& env) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        throw ConfigError(fmt::format("cannot open env_file '{}': {}", path.string(), std::strerror(errno)));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw ConfigError(fmt::format("env_file '{}' is not a regular file", path.string()));
    }
    if ((st.st_mode & 077) != 0) {
        ::close(fd);
        throw ConfigError(fmt::format("env_file '{}' has mode {:04o}: others may read its secrets", path.string(),
                                      st.st_mode & 07777),
                          fmt::format("chmod 600 '{}'", path.string()));
    }
    if (st.st_uid != ::geteuid() && st.st_uid != 0) {
        ::close(fd);
        throw ConfigError(fmt::format("env_file '{}' belongs to uid {}, not to the user running opsctl", path.string(),
                                      st.st_uid));
    }
    constexpr std::size_t k_limit = 64 * 1024;
    const auto text = util::read_bounded(fd, static_cast<std::size_t>(st.st_size), k_limit);
    ::close(fd);
    if (!text || text->size() > k_limit) {
        throw ConfigError(fmt::format("cannot read env_file '{}' (at most {} bytes)", path.string(), k_limit));
    }
    std::size_t line_no = 0;
    for (std::size_t start = 0; start < text->size();) {
        auto end = text->find('\n', start);
        if (end == std::string::npos) {
            end = text->size();
        }
        std::string line = text->substr(start, end - start);
        start = end + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') {
            continue;
        }
        line = line.substr(first);
        if (line.rfind("export ", 0) == 0) {
            line = line.substr(7);
        }
        const auto eq = line.find('=');
        const std::string key = eq == std::string::npos ? line : line.substr(0, eq);
        if (eq == std::string::npos || !variable_name(key)) {
            throw ConfigError(fmt::format("env_file '{}' line {}: expected NAME=VALUE", path.string(), line_no));
        }
        std::string value = line.substr(eq + 1);
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
            value = value.substr(1, value.size() - 2);
        }
        if (std::any_of(value.begin(), value.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
            throw ConfigError(fmt::format("env_file '{}' line {}: the value holds a control character", path.string(),
                                          line_no));
        }
        env[key] = value;
    }
}

} // namespace

std::map<std::string, std::string> job_environment(const policy::BackupJob& job, const fs::path& policy_dir,
                                                   std::int64_t run_id) {
    std::map<std::string, std::string> env = util::minimal_environment();
    for (const char* name : {"PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "TZ"}) {
        if (const char* v = std::getenv(name); v && *v) {
            env[name] = v;
        }
    }
    for (const auto& name : job.env) {
        if (const char* v = std::getenv(name.c_str())) {
            env[name] = v;
        }
    }
    if (!job.env_file.empty()) {
        fs::path p = job.env_file;
        if (p.is_relative()) {
            p = policy_dir / p;
        }
        read_env_file(p, env);
    }
    env["OPSCTL_JOB"] = job.name;
    if (run_id > 0) {
        env["OPSCTL_RUN"] = std::to_string(run_id);
    }
    return env;
}

std::string last_lines(const std::string& text, std::size_t n) {
    std::string t = text;
    while (!t.empty() && (t.back() == '\n' || t.back() == ' ' || t.back() == '\r')) {
        t.pop_back();
    }
    std::size_t pos = t.size();
    for (std::size_t i = 0; i < n; ++i) {
        const auto nl = pos == 0 ? std::string::npos : t.rfind('\n', pos - 1);
        if (nl == std::string::npos) {
            return t;
        }
        pos = nl;
    }
    return t.substr(pos + 1);
}

std::string run_job_command(const policy::BackupJob& job, const std::vector<std::string>& argv,
                            const std::map<std::string, std::string>& env, const std::optional<std::string>& stdout_file) {
    util::ProcessOptions opt;
    opt.timeout_ms = static_cast<int>(std::min<std::int64_t>(job.timeout.approx_seconds() * 1000, INT32_MAX));
    opt.max_output = 64 * 1024;
    opt.keep_err_tail = true;
    opt.env = env;
    opt.stdout_file = stdout_file;
    const auto r = util::run_process(argv, opt);
    const std::string& program = argv.front();
    if (r.spawn_failed) {
        throw Failure(fmt::format("cannot run '{}': {}", program, r.err));
    }
    if (r.timed_out) {
        throw Failure(fmt::format("'{}' did not finish within {}", program, core::format_duration(job.timeout)));
    }
    if (r.signal != 0 || r.exit_code != 0) {
        const std::string what = r.signal != 0 ? fmt::format("was killed by signal {}", r.signal)
                                               : fmt::format("exited with status {}", r.exit_code);
        const std::string tail = last_lines(r.err, k_stderr_lines);
        throw Failure(fmt::format("'{}' {}{}", program, what, tail.empty() ? "" : ": " + tail));
    }
    return r.out;
}

std::string capture_values(const policy::BackupJob& job, const std::string& output) {
    if (job.capture.empty()) {
        return {};
    }
    nlohmann::json values = nlohmann::json::object();
    for (const auto& [name, pattern] : job.capture) {
        const std::regex re(pattern, std::regex::ECMAScript);
        // Line by line, and only lines of sane length: std::regex recurses per character,
        // and one megabyte-long line could exhaust the stack.
        constexpr std::size_t k_max_line = 4096;
        std::optional<std::string> value;
        for (std::size_t start = 0; start < output.size();) {
            auto end = output.find('\n', start);
            if (end == std::string::npos) {
                end = output.size();
            }
            if (end - start <= k_max_line) {
                const std::string line = output.substr(start, end - start);
                for (std::sregex_iterator it(line.begin(), line.end(), re), stop; it != stop; ++it) {
                    value = re.mark_count() == 1 ? (*it)[1].str() : (*it)[0].str();
                }
            }
            start = end + 1;
        }
        if (!value) {
            throw Failure(fmt::format("capture '{}' found nothing in the output of '{}'", name, job.command.front()),
                          "check the job's capture pattern against the command's output");
        }
        check_inert(name, *value);
        values[name] = *value;
    }
    return values.dump();
}

std::map<std::string, std::string> run_values(const store::BackupRunRow& run) {
    std::map<std::string, std::string> values;
    values["path"] = run.path;
    values["run"] = std::to_string(run.id);
    values["job"] = run.job;
    if (!run.captured.empty()) {
        const auto j = nlohmann::json::parse(run.captured, nullptr, false);
        if (j.is_object()) {
            for (const auto& [k, v] : j.items()) {
                if (v.is_string()) {
                    values[k] = v.get<std::string>();
                }
            }
        }
    }
    return values;
}

} // namespace opsctl::backup
