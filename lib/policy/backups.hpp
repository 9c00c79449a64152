#pragma once
// The `backups` section: backup jobs, where they write, how often, how long they are kept.

#include "lib/core/duration.hpp"
#include "lib/policy/origin.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::policy {

/// What a job backs up.
enum class BackupKind {
    archive,  // files and folders into one tar.zst with a manifest
    command,  // a program's output (stdout, or the file it writes to {{dest}})
    database, // opsctl's own database, copied through SQLite's online backup API
};

/// How `backup verify` checks a job's archives by default.
enum class BackupVerify {
    checksum, // re-hash the file and compare with the recorded SHA-256
    restore,  // extract into a temporary folder and compare every member with the manifest
};

/// How many backups to keep per period, with the meaning restic and borg give them:
/// walking from the newest, the first backup of each new period is kept until the count is used.
struct KeepRules {
    int last = 0;
    int hourly = 0;
    int daily = 0;
    int weekly = 0;
    int monthly = 0;
    int yearly = 0;
    /// True when no rule is set: prune then keeps everything.
    bool empty() const { return last + hourly + daily + weekly + monthly + yearly == 0; }
};

/// One backup job.
struct BackupJob {
    std::string name;
    std::string description;
    BackupKind kind = BackupKind::archive;
    std::vector<std::string> paths;   // archive: files and folders (relative: to the policy directory)
    std::vector<std::string> exclude; // archive: globs on a name, or on a path when they hold '/'
    std::vector<std::string> command; // command: argv; "{{dest}}" is replaced by the file to write
    std::string suffix;               // file name ending: ".tar.zst" for archives, ".out" for commands
    std::string dest;                 // folder for the backups (relative: to the database's folder)
    std::optional<core::Duration> every;   // how often `run --due` runs it
    std::optional<core::Duration> max_age; // how old the newest good backup may get (the RPO)
    KeepRules keep;
    BackupVerify verify = BackupVerify::checksum;
    double min_size_ratio = 0.5;           // warn when a backup is smaller than this share of the previous
    core::Duration timeout{6 * 3600, 0, 0}; // command: killed after this long (each of its commands)
    // command kind, for real backup tools (restic, borg, pg_dump): how opsctl verifies and
    // restores what the tool stored. Placeholders {{path}}, {{run}}, {{job}}, {{target}}
    // (restore) and each capture name are replaced by inert values (see lib/backup/placeholder.hpp).
    std::vector<std::pair<std::string, std::string>> capture; // name -> regex on the command's stdout
    std::vector<std::string> verify_command;      // run by every `backup verify` of the job's runs
    std::vector<std::string> deep_verify_command; // run by `verify --deep` (default: verify_command)
    std::vector<std::string> restore_command;     // run by `backup restore` with {{target}}
    std::string env_file;                         // KEY=VALUE lines for the commands; mode 0600 or refused
    std::vector<std::string> env;                 // names of variables passed on from opsctl's environment
    Origin origin;
};

/// Validated `backups` policy: jobs by name.
struct BackupPolicy {
    std::map<std::string, BackupJob> jobs;
    std::size_t count() const { return jobs.size(); }
};

/// "archive", "command" or "database".
const char* kind_name(BackupKind kind);

} // namespace opsctl::policy
