#include "lib/policy/parsers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <regex>

namespace opsctl::policy {

const char* kind_name(BackupKind kind) {
    switch (kind) {
    case BackupKind::archive:
        return "archive";
    case BackupKind::command:
        return "command";
    case BackupKind::database:
        return "database";
    }
    return "archive";
}

namespace {

void parse_keep(Reader& r, const Node& node, KeepRules& keep) {
    if (!r.map(node, "keep", {"last", "hourly", "daily", "weekly", "monthly", "yearly"})) {
        return;
    }
    // Bounded so that a typo such as 1e9 cannot turn into "keep for ever" silently.
    constexpr std::int64_t k_max = 100000;
    keep.last = static_cast<int>(r.integer(node, "last", false, 0, k_max).value_or(0));
    keep.hourly = static_cast<int>(r.integer(node, "hourly", false, 0, k_max).value_or(0));
    keep.daily = static_cast<int>(r.integer(node, "daily", false, 0, k_max).value_or(0));
    keep.weekly = static_cast<int>(r.integer(node, "weekly", false, 0, k_max).value_or(0));
    keep.monthly = static_cast<int>(r.integer(node, "monthly", false, 0, k_max).value_or(0));
    keep.yearly = static_cast<int>(r.integer(node, "yearly", false, 0, k_max).value_or(0));
}

bool placeholder_name(const std::string& n) {
    if (n.empty() || n.size() > 32 || !(std::islower(static_cast<unsigned char>(n[0])) || n[0] == '_')) {
        return false;
    }
    return std::all_of(n.begin(), n.end(), [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '_'; });
}

constexpr const char* k_reserved_names[] = {"dest", "path", "run", "job", "target"};

void parse_capture(Reader& r, const Node& node, const std::string& what, BackupJob& job) {
    r.entries(node, what + " capture", [&](const std::string& name, const Node& key, const Node& value) {
        if (!placeholder_name(name)) {
            r.error(key, fmt::format("{}: capture name '{}' must be lower-case letters, digits and '_'", what, name));
            return;
        }
        for (const char* reserved : k_reserved_names) {
            if (name == reserved) {
                r.error(key, fmt::format("{}: capture name '{}' is taken by the placeholder {{{{{}}}}}", what, name, name));
                return;
            }
        }
        const auto pattern = r.as_string(value, fmt::format("{} capture '{}'", what, name));
        if (!pattern) {
            return;
        }
        try {
            const std::regex re(*pattern, std::regex::ECMAScript);
            if (re.mark_count() > 1) {
                r.error(value, fmt::format("{}: capture '{}' has {} groups; use at most one (the value)", what, name,
                                           re.mark_count()));
                return;
            }
        } catch (const std::regex_error& e) {
            r.error(value, fmt::format("{}: capture '{}' is not a valid regular expression: {}", what, name, e.what()));
            return;
        }
        job.capture.emplace_back(name, *pattern);
    });
}

// Every {{name}} in a command must be one that command gets, so that a typo is found by
// `policy check`, not by the night's backup.
void check_placeholders(Reader& r, const Node& node, const std::string& what, const std::vector<std::string>& argv,
                        const std::vector<std::string>& allowed) {
    for (const auto& arg : argv) {
        for (std::size_t pos = 0; (pos = arg.find("{{", pos)) != std::string::npos;) {
            const auto end = arg.find("}}", pos + 2);
            if (end == std::string::npos) {
                r.error(node, fmt::format("{}: '{{{{' without '}}}}' in '{}'", what, arg));
                return;
            }
            const std::string name = arg.substr(pos + 2, end - pos - 2);
            if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
                std::string known;
                for (const auto& a : allowed) {
                    known += (known.empty() ? "" : ", ") + ("{{" + a + "}}");
                }
                r.error(node, fmt::format("{}: unknown placeholder {{{{{}}}}} (known here: {})", what, name, known));
            }
            pos = end + 2;
        }
    }
}

void check_command_keys(Reader& r, const Node& key, const Node& value, const std::string& what, const BackupJob& job) {
    const bool command = job.kind == BackupKind::command;
    for (const char* k : {"capture", "verify_command", "deep_verify_command", "restore_command", "env_file", "env"}) {
        if (!command && value[k].is_defined()) {
            r.error(value[k], fmt::format("{}: '{}' belongs to kind 'command'", what, k));
        }
    }
    if (!command) {
        return;
    }
    std::vector<std::string> names = {"path", "run", "job"};
    for (const auto& [n, re] : job.capture) {
        names.push_back(n);
    }
    check_placeholders(r, value["command"], what + " 'command'", job.command, {"dest"});
    check_placeholders(r, value["verify_command"], what + " 'verify_command'", job.verify_command, names);
    check_placeholders(r, value["deep_verify_command"], what + " 'deep_verify_command'", job.deep_verify_command, names);
    names.push_back("target");
    check_placeholders(r, value["restore_command"], what + " 'restore_command'", job.restore_command, names);
    if (!job.restore_command.empty()) {
        const bool has_target = std::any_of(job.restore_command.begin(), job.restore_command.end(),
                                            [](const std::string& a) { return a.find("{{target}}") != std::string::npos; });
        if (!has_target) {
            r.error(value["restore_command"], fmt::format("{}: 'restore_command' must name {{{{target}}}}, the folder to restore into", what));
        }
    }
    if (job.verify == BackupVerify::restore && job.verify_command.empty() && job.deep_verify_command.empty()) {
        r.error(value["verify"].is_defined() ? value["verify"] : key,
                fmt::format("{}: 'verify: restore' on kind 'command' needs 'deep_verify_command' or 'verify_command' "
                            "(opsctl cannot look inside a command's output)", what));
    }
    for (const auto& name : job.env) {
        const bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
            return std::isupper(c) || std::isdigit(c) || c == '_';
        }) && !std::isdigit(static_cast<unsigned char>(name[0]));
        if (!ok) {
            r.error(value["env"], fmt::format("{}: 'env' names variables (A-Z, 0-9, '_'), not '{}'", what, name));
        }
    }
}

} // namespace

void parse_backups(Reader& r, const Node& node, Policy& p) {
    r.entries(node, "backup job", [&](const std::string& name, const Node& key, const Node& value) {
        if (auto it = p.backups.jobs.find(name); it != p.backups.jobs.end()) {
            r.error(key, fmt::format("backup job '{}' is defined twice (first at {})", name,
                                     it->second.origin.str()));
            return;
        }
        const std::string what = fmt::format("backup job '{}'", name);
        if (!r.map(value, what,
                   {"description", "kind", "paths", "exclude", "command", "suffix", "dest", "every",
                    "max_age", "keep", "verify", "min_size_ratio", "timeout", "capture", "verify_command",
                    "deep_verify_command", "restore_command", "env_file", "env"})) {
            return;
        }
        BackupJob job;
        job.name = name;
        job.origin = r.origin(key);
        job.description = r.string(value, "description").value_or("");
        const auto kind = r.one_of(value, "kind", {"archive", "command", "database"}, true).value_or("archive");
        job.kind = kind == "command" ? BackupKind::command
                   : kind == "database" ? BackupKind::database
                                        : BackupKind::archive;
        job.paths = r.strings(value, "paths").value_or(std::vector<std::string>{});
        job.exclude = r.strings(value, "exclude").value_or(std::vector<std::string>{});
        job.command = r.strings(value, "command").value_or(std::vector<std::string>{});
        job.dest = r.string(value, "dest", true).value_or("");
        job.every = r.duration(value, "every");
        job.max_age = r.duration(value, "max_age");
        if (value["keep"].is_defined()) {
            parse_keep(r, value["keep"], job.keep);
        }
        job.verify = r.one_of(value, "verify", {"checksum", "restore"}).value_or("checksum") == "restore"
                         ? BackupVerify::restore
                         : BackupVerify::checksum;
        if (auto ratio = r.number(value, "min_size_ratio")) {
            if (*ratio < 0 || *ratio > 1) {
                r.error(value["min_size_ratio"],
                        fmt::format("'min_size_ratio' must be between 0 and 1, not {}", *ratio));
            } else {
                job.min_size_ratio = *ratio;
            }
        }
        if (auto timeout = r.duration(value, "timeout")) {
            job.timeout = *timeout;
        }
        job.verify_command = r.strings(value, "verify_command").value_or(std::vector<std::string>{});
        job.deep_verify_command = r.strings(value, "deep_verify_command").value_or(std::vector<std::string>{});
        job.restore_command = r.strings(value, "restore_command").value_or(std::vector<std::string>{});
        job.env_file = r.string(value, "env_file").value_or("");
        job.env = r.strings(value, "env").value_or(std::vector<std::string>{});
        if (value["capture"].is_defined()) {
            parse_capture(r, value["capture"], what, job);
        }
        const std::string default_suffix = job.kind == BackupKind::command ? ".out" : ".tar.zst";
        job.suffix = r.string(value, "suffix").value_or(default_suffix);

        switch (job.kind) {
        case BackupKind::archive:
            if (job.paths.empty()) {
                r.error(key, fmt::format("{} of kind 'archive' needs 'paths'", what));
            }
            if (!job.command.empty()) {
                r.error(value["command"], fmt::format("{}: 'command' belongs to kind 'command'", what));
            }
            break;
        case BackupKind::command:
            if (job.command.empty()) {
                r.error(key, fmt::format("{} of kind 'command' needs 'command' (argv list)", what));
            }
            if (!job.paths.empty()) {
                r.error(value["paths"], fmt::format("{}: 'paths' belongs to kind 'archive'", what));
            }
            break;
        case BackupKind::database:
            if (!job.paths.empty() || !job.command.empty()) {
                r.error(key, fmt::format("{} of kind 'database' takes neither 'paths' nor 'command'", what));
            }
            break;
        }
        check_command_keys(r, key, value, what, job);
        if (job.suffix.find('/') != std::string::npos) {
            r.error(value["suffix"], fmt::format("{}: 'suffix' must not contain '/'", what));
        }
        if (job.every && job.every->is_zero()) {
            r.error(value["every"], fmt::format("{}: 'every' must be longer than 0s", what));
        }
        p.backups.jobs.emplace(name, std::move(job));
    });
}

void finish_backups(Diagnostics&, Policy&) {}

} // namespace opsctl::policy
