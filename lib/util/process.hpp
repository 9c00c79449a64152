#pragma once
// Running a command safely: argv (no shell unless asked), a timeout that kills the whole
// process group, output read up to a cap, a closed or given stdin, a chosen environment.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::util {

/// How to run a command.
struct ProcessOptions {
    std::optional<std::string> stdin_data;           // written to stdin, then closed; none: /dev/null
    int timeout_ms = 60000;                          // then SIGTERM to the group, SIGKILL 1 s later
    std::size_t max_output = 64 * 1024;              // bytes kept of stdout and of stderr each; the rest is read and dropped
    std::optional<std::map<std::string, std::string>> env; // none: inherit; set: exactly these variables
    std::string cwd;                                 // empty: current directory
    bool merge_stderr = false;                       // stderr goes into `out`
    std::optional<std::string> stdout_file; // write stdout to this new file (mode 0600, created
                                            // with O_EXCL|O_NOFOLLOW) instead of capturing
    bool keep_err_tail = false;             // stderr keeps its last max_output bytes, not its first
};

/// What happened.
struct ProcessResult {
    int exit_code = -1;       // exit status when it exited
    int signal = 0;           // the signal that ended it, if any
    bool timed_out = false;
    bool spawn_failed = false; // could not be started (errno text in `err`)
    std::string out;
    std::string err;
    bool out_truncated = false;
    std::int64_t duration_ms = 0;
};

/// Runs argv[0] found through PATH with the arguments argv[1..]; never throws for the
/// command's own failure (see ProcessResult). Safe to call from several threads.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

/// A minimal environment for checks: PATH, LANG/LC_ALL=C.UTF-8, HOME=/ (and TZ if set).
std::map<std::string, std::string> minimal_environment();

} // namespace opsctl::util
