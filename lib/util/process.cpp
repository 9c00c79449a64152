#include "lib/util/process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace opsctl::util {

namespace {

using Clock = std::chrono::steady_clock;

struct Pipe {
    int fd[2] = {-1, -1};
    bool open() { return ::pipe2(fd, O_CLOEXEC) == 0; }
    void close_end(int i) {
        if (fd[i] >= 0) {
            ::close(fd[i]);
            fd[i] = -1;
        }
    }
    ~Pipe() {
        close_end(0);
        close_end(1);
    }
};

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Reads what is available; returns false at end of file. With `tail`, the last `cap` bytes
// are kept instead of the first (what a failing program said last is why it failed).
bool drain(int fd, std::string& into, std::size_t cap, bool& truncated, bool tail = false) {
    char buf[16384];
    while (true) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0 && tail) {
            into.append(buf, static_cast<std::size_t>(n));
            if (into.size() > cap) {
                into.erase(0, into.size() - cap);
                truncated = true;
            }
            continue;
        }
        if (n > 0) {
            const std::size_t room = into.size() < cap ? cap - into.size() : 0;
            into.append(buf, std::min<std::size_t>(room, static_cast<std::size_t>(n)));
            if (static_cast<std::size_t>(n) > room) {
                truncated = true;
            }
            continue;
        }
        if (n == 0) {
            return false;
        }
        if (errno == EINTR) {
            continue;
        }
        return errno == EAGAIN || errno == EWOULDBLOCK;
    }
}

// Owners of posix_spawn's argument objects, destroyed on every path out.
struct SpawnActions {
    posix_spawn_file_actions_t fa;
    SpawnActions() { posix_spawn_file_actions_init(&fa); }
    ~SpawnActions() { posix_spawn_file_actions_destroy(&fa); }
    SpawnActions(const SpawnActions&) = delete;
    SpawnActions& operator=(const SpawnActions&) = delete;
};
struct SpawnAttributes {
    posix_spawnattr_t attr;
    SpawnAttributes() { posix_spawnattr_init(&attr); }
    ~SpawnAttributes() { posix_spawnattr_destroy(&attr); }
    SpawnAttributes(const SpawnAttributes&) = delete;
    SpawnAttributes& operator=(const SpawnAttributes&) = delete;
};

int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
    (void)pid;
    return -1;
#endif
}

} // namespace

std::map<std::string, std::string> minimal_environment() {
    std::map<std::string, std::string> env;
    env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    env["LANG"] = "C.UTF-8";
    env["LC_ALL"] = "C.UTF-8";
    env["HOME"] = "/";
    if (const char* tz = std::getenv("TZ")) {
        env["TZ"] = tz;
    }
    return env;
}

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
    ProcessResult result;
    const auto started = Clock::now();
    if (argv.empty()) {
        result.spawn_failed = true;
        result.err = "empty command";
        return result;
    }
    // Everything the child needs is built before it is started.
    std::vector<char*> args;
    for (const auto& a : argv) {
        args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    std::vector<std::string> env_strings;
    std::vector<char*> envp;
    if (options.env) {
        for (const auto& [k, v] : *options.env) {
            env_strings.push_back(k + "=" + v);
        }
        for (auto& s : env_strings) {
            envp.push_back(s.data());
        }
        envp.push_back(nullptr);
    }
    Pipe in, out, err;
    if (!in.open() || !out.open() || !err.open()) {
        result.spawn_failed = true;
        result.err = std::strerror(errno);
        return result;
    }
    int out_file = -1;
    if (options.stdout_file) {
        out_file = ::open(options.stdout_file->c_str(),
                          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (out_file < 0) {
            result.spawn_failed = true;
            result.err = "cannot open " + *options.stdout_file + ": " + std::strerror(errno);
            return result;
        }
    }
    const int devnull = options.stdin_data ? -1 : ::open("/dev/null", O_RDONLY | O_CLOEXEC);

    // posix_spawn rather than fork: glibc starts the child with vfork semantics, without
    // copying this process's page tables, which is most of the cost of a short check. It
    // reports a failed exec as its return value.
    SpawnActions actions;
    if (options.stdin_data || devnull >= 0) {
        posix_spawn_file_actions_adddup2(&actions.fa, options.stdin_data ? in.fd[0] : devnull, 0);
    } else {
        posix_spawn_file_actions_addclose(&actions.fa, 0); // never our own stdin
    }
    posix_spawn_file_actions_adddup2(&actions.fa, out_file >= 0 ? out_file : out.fd[1], 1);
    const int err_target = options.merge_stderr && out_file < 0 ? out.fd[1] : err.fd[1];
    posix_spawn_file_actions_adddup2(&actions.fa, err_target, 2);
    // Nothing else is inherited: not the database handle, not other descriptors.
    posix_spawn_file_actions_addclosefrom_np(&actions.fa, 3);
    if (!options.cwd.empty()) {
        posix_spawn_file_actions_addchdir_np(&actions.fa, options.cwd.c_str());
    }
    SpawnAttributes attributes;
    // Its own process group, so that a timeout can kill every descendant; default signal
    // dispositions (we ignore SIGPIPE and SIGXFSZ) and no blocked signals.
    sigset_t defaults, none;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGXFSZ);
    sigemptyset(&none);
    posix_spawnattr_setflags(&attributes.attr,
                             POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    posix_spawnattr_setpgroup(&attributes.attr, 0);
    posix_spawnattr_setsigdefault(&attributes.attr, &defaults);
    posix_spawnattr_setsigmask(&attributes.attr, &none);

    pid_t pid = -1;
    const int spawn_error = ::posix_spawnp(&pid, args[0], &actions.fa, &attributes.attr,
                                           args.data(), options.env ? envp.data() : environ);
    if (out_file >= 0) {
        ::close(out_file);
    }
    if (devnull >= 0) {
        ::close(devnull);
    }
    if (spawn_error != 0) {
        result.spawn_failed = true;
        result.err = std::string("cannot run '") + argv[0] + "': " + std::strerror(spawn_error);
        result.exit_code = 127;
        result.duration_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
        return result;
    }
    in.close_end(0);
    out.close_end(1);
    err.close_end(1);

    const int pidfd = open_pidfd(pid);
    set_nonblocking(out.fd[0]);
    set_nonblocking(err.fd[0]);
    std::string to_write = options.stdin_data.value_or("");
    std::size_t written = 0;
    if (options.stdin_data) {
        set_nonblocking(in.fd[1]);
        if (to_write.empty()) {
            in.close_end(1);
        }
    }
    bool out_open = true, err_open = true, exited = false, term_sent = false;
    int wstatus = 0;
    const auto deadline = started + std::chrono::milliseconds(options.timeout_ms);
    Clock::time_point kill_at{};
    std::string discarded;

    while (!exited) {
        std::vector<pollfd> fds;
        if (out_open) {
            fds.push_back({out.fd[0], POLLIN, 0});
        }
        if (err_open) {
            fds.push_back({err.fd[0], POLLIN, 0});
        }
        if (in.fd[1] >= 0) {
            fds.push_back({in.fd[1], POLLOUT, 0});
        }
        if (pidfd >= 0) {
            fds.push_back({pidfd, POLLIN, 0});
        }
        const auto now = Clock::now();
        auto wake = term_sent ? kill_at : deadline;
        int wait_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count());
        wait_ms = std::max(0, wait_ms);
        if (pidfd < 0 || (!out_open && !err_open && pidfd < 0)) {
            wait_ms = std::min(wait_ms, 10);
        }
        const int n = ::poll(fds.data(), fds.size(), wait_ms);
        if (n < 0 && errno != EINTR) {
            break;
        }
        for (const auto& p : fds) {
            if (!p.revents) {
                continue;
            }
            if (p.fd == out.fd[0] && out_open) {
                out_open = drain(out.fd[0], result.out, options.max_output, result.out_truncated);
            } else if (p.fd == err.fd[0] && err_open) {
                bool t = false;
                err_open = drain(err.fd[0], result.err, options.max_output, t, options.keep_err_tail);
            } else if (p.fd == in.fd[1]) {
                if (p.revents & (POLLERR | POLLHUP)) {
                    in.close_end(1);
                    continue;
                }
                const ssize_t w = ::write(in.fd[1], to_write.data() + written, to_write.size() - written);
                if (w > 0) {
                    written += static_cast<std::size_t>(w);
                }
                if ((w < 0 && errno != EAGAIN) || written >= to_write.size()) {
                    in.close_end(1);
                }
            }
        }
        // Has the child exited?
        const pid_t r = ::waitpid(pid, &wstatus, WNOHANG);
        if (r == pid) {
            exited = true;
            break;
        }
        const auto after = Clock::now();
        if (!term_sent && after >= deadline) {
            result.timed_out = true;
            ::kill(-pid, SIGTERM);
            term_sent = true;
            kill_at = after + std::chrono::seconds(1);
        } else if (term_sent && after >= kill_at) {
            ::kill(-pid, SIGKILL);
            ::waitpid(pid, &wstatus, 0);
            exited = true;
        }
        if (!out_open && !err_open && pidfd < 0 && !term_sent) {
            // Both pipes closed without pidfd support: wait for the exit (bounded by the deadline).
            continue;
        }
    }
    // Collect what the child wrote just before it exited, then end any descendants
    // that still hold the pipes, so that nothing outlives the check.
    if (out_open) {
        drain(out.fd[0], result.out, options.max_output, result.out_truncated);
    }
    if (err_open) {
        bool t = false;
        drain(err.fd[0], result.err, options.max_output, t, options.keep_err_tail);
    }
    ::kill(-pid, SIGKILL);
    if (pidfd >= 0) {
        ::close(pidfd);
    }
    if (WIFEXITED(wstatus)) {
        result.exit_code = WEXITSTATUS(wstatus);
    } else if (WIFSIGNALED(wstatus)) {
        result.signal = WTERMSIG(wstatus);
    }
    if (result.exit_code == 127 && !result.spawn_failed && result.out.empty() && result.err.empty()) {
        result.spawn_failed = true;
        result.err = std::string("cannot run '") + argv[0] + "'";
    }
    result.duration_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
    return result;
}

} // namespace opsctl::util
