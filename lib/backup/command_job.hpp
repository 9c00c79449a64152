#pragma once
// Command jobs (restic, borg, pg_dump, ...): the environment their commands get, running
// one of their commands, the values captured from a run's output, and the placeholders
// that the job's verify and restore commands see.

#include "lib/policy/backups.hpp"
#include "lib/store/backup_repo.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::backup {

/// Lines of a failing command's stderr kept in its error.
inline constexpr std::size_t k_stderr_lines = 20;

/// The environment of a job's commands: PATH, HOME, USER, LOGNAME, TMPDIR and TZ from
/// opsctl's own environment, LANG/LC_ALL=C.UTF-8, the variables named by `env`, the
/// KEY=VALUE lines of `env_file` (relative: to `policy_dir`), then OPSCTL_JOB and
/// OPSCTL_RUN. Throws ConfigError when the env file is readable or writable by anyone but
/// its owner, is not owned by the user running opsctl (or root), or has a bad line.
std::map<std::string, std::string> job_environment(const policy::BackupJob& job,
                                                   const std::filesystem::path& policy_dir, std::int64_t run_id);

/// Runs argv (already expanded) with `env`, killed after the job's timeout; stdout goes
/// to `stdout_file` when given, else it is returned. Throws Failure naming the program
/// with the last k_stderr_lines lines of its stderr when it cannot start, times out, is
/// killed or exits non-zero.
std::string run_job_command(const policy::BackupJob& job, const std::vector<std::string>& argv,
                            const std::map<std::string, std::string>& env,
                            const std::optional<std::string>& stdout_file = std::nullopt);

/// The last `n` lines of `text`, without trailing blank lines.
std::string last_lines(const std::string& text, std::size_t n);

/// Applies the job's `capture` rules to a run's output: a JSON object text of name ->
/// value ("" when the job captures nothing). Lines up to 4096 bytes are searched, the last
/// match counts; its group when the rule has one. Throws Failure when a rule finds nothing and DataError when a value is
/// not inert (see check_inert).
std::string capture_values(const policy::BackupJob& job, const std::string& output);

/// The placeholder values of a run for the job's verify and restore commands: {{path}},
/// {{run}}, {{job}} and each captured value.
std::map<std::string, std::string> run_values(const store::BackupRunRow& run);

} // namespace opsctl::backup
