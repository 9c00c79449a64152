#include "lib/policy/parsers.hpp"

#include <fmt/format.h>

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
                    "max_age", "keep", "verify", "min_size_ratio", "timeout"})) {
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
