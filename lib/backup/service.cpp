#include "lib/backup/service.hpp"

#include "lib/backup/command_job.hpp"
#include "lib/backup/hash.hpp"
#include "lib/backup/placeholder.hpp"
#include "lib/backup/retention.hpp"
#include "lib/context/audit.hpp"
#include "lib/core/duration.hpp"
#include "lib/core/error.hpp"
#include "lib/policy/lookup.hpp"
#include "lib/core/time.hpp"
#include "lib/notify/notify.hpp"
#include "lib/notify/outbox.hpp"
#include "lib/store/failure.hpp"
#include "lib/store/maintenance.hpp"
#include "lib/util/file.hpp"
#include "lib/util/process.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace opsctl::backup {

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t elapsed_ms(Clock::time_point since) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

fs::path expand_home(const std::string& text) {
    if (text == "~" || text.rfind("~/", 0) == 0) {
        const char* home = std::getenv("HOME");
        return fs::path(home ? home : "/") / text.substr(text.size() > 1 ? 2 : 1);
    }
    return fs::path(text);
}

const policy::BackupJob& find_job(const Context& ctx, const std::string& name) {
    const auto& jobs = ctx.policy.backups.jobs;
    if (auto it = jobs.find(name); it != jobs.end()) {
        return it->second;
    }
    std::vector<std::string> known;
    for (const auto& [n, j] : jobs) {
        known.push_back(n);
    }
    policy::require_one_of("backup job", name, known);
    throw DataError(fmt::format("no backup job '{}'", name));
}

// fsync of a file or a folder; a failure here means the data may not be on disk.
void sync_path(const fs::path& path, bool directory) {
    const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) {
        throw Failure(fmt::format("cannot open '{}' to flush it: {}", path.string(), std::strerror(errno)));
    }
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0 && !directory) {
        throw Failure(fmt::format("cannot flush '{}': {}", path.string(), std::strerror(err)));
    }
}

std::string file_stamp(std::int64_t t) {
    const core::CivilTime c = core::Zone().to_civil(t);
    return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", c.date.year, c.date.month, c.date.day, c.hour, c.minute,
                       c.second);
}

// Holds the job's lock file for the whole run: a second `backup run` of the same job waits
// for nothing and fails with Busy; a killed run's lock goes with its process.
class JobLock {
public:
    JobLock(const fs::path& dest, const std::string& job) {
        const fs::path path = dest / fmt::format(".opsctl-{}.lock", job);
        m_fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
        if (m_fd < 0) {
            throw Failure(fmt::format("cannot create '{}': {}", path.string(), std::strerror(errno)));
        }
        if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
            ::close(m_fd);
            throw Busy(fmt::format("backup job '{}' is already running", job), "wait for it to finish");
        }
    }
    ~JobLock() { ::close(m_fd); }
    JobLock(const JobLock&) = delete;
    JobLock& operator=(const JobLock&) = delete;

private:
    int m_fd = -1;
};

bool disk_full(const fs::path& dir) {
    struct statvfs s {};
    return ::statvfs(dir.c_str(), &s) == 0 && s.f_bavail == 0;
}

struct Produced {
    std::int64_t size_bytes = 0;
    std::int64_t source_bytes = 0;
    std::int64_t files = 0;
    std::string sha256;
    std::vector<std::string> notes;
    std::int64_t regular_files = 0;
};

// The warning of an archive run that stored folders and symlinks but no file: a job whose
// paths lead nowhere useful must not look like a good backup.
constexpr const char* k_no_regular_file = "no regular file was archived, only folders and symlinks";

// Writes the archive into `file` (not yet under its final name); the caller commits it.
Produced write_archive_file(util::AtomicFile& file, const ArchiveSpec& spec) {
    const fs::path& tmp = file.temp_path();
    const WrittenArchive w = write_archive(file.fd(), tmp.string(), spec);
    // Flushed here for the clear message on a full disk; commit() flushes (cheaply) again.
    const int rc = ::fsync(file.fd());
    const int err = errno;
    if (rc != 0) {
        if (err == ENOSPC || err == EDQUOT) {
            throw Failure(fmt::format("no space left on the device writing '{}'", tmp.string()),
                          "free space in the backup folder or prune old backups");
        }
        throw Failure(fmt::format("cannot flush '{}': {}", tmp.string(), std::strerror(err)));
    }
    return Produced{w.size_bytes, w.source_bytes, w.files, w.sha256, w.notes, w.regular_files};
}

// Runs a command job's command into `tmp`; `captured` receives the JSON object of the values
// its capture rules found ("" when it has none).
Produced run_command(Context& ctx, const policy::BackupJob& job, const fs::path& tmp, std::int64_t run_id,
                     std::string& captured) {
    const bool writes_dest = std::any_of(job.command.begin(), job.command.end(),
                                         [](const std::string& a) { return a.find("{{dest}}") != std::string::npos; });
    const auto argv = expand_argv(job.command, {{"dest", tmp.string()}});
    const auto env = job_environment(job, ctx.policy.dir, run_id);
    std::string out;
    try {
        out = run_job_command(job, argv, env, writes_dest ? std::nullopt : std::optional(tmp.string()));
    } catch (const Failure& e) {
        if (disk_full(tmp.parent_path())) {
            throw Failure(fmt::format("no space left on the device writing '{}' ({})", tmp.string(), e.what()));
        }
        throw;
    }
    std::error_code ec;
    if (!fs::is_regular_file(tmp, ec)) {
        throw Failure(fmt::format("'{}' succeeded but wrote no file to '{{{{dest}}}}'", job.command.front()));
    }
    sync_path(tmp, false);
    Produced p;
    if (!job.capture.empty()) {
        // The values to capture are in what the command printed: its stdout, which is the
        // backup file itself unless the command wrote to {{dest}} (the last MiB is enough).
        if (!writes_dest) {
            const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
            if (fd >= 0) {
                constexpr off_t k_window = 1 << 20;
                const off_t size = ::lseek(fd, 0, SEEK_END);
                ::lseek(fd, size > k_window ? size - k_window : 0, SEEK_SET);
                out = util::read_bounded(fd, static_cast<std::size_t>(std::min<off_t>(size, k_window)), k_window)
                          .value_or("");
                ::close(fd);
            }
        }
        captured = capture_values(job, out);
    }
    const auto d = hash_file(tmp);
    p.size_bytes = d.size;
    p.source_bytes = d.size;
    p.files = 1;
    p.sha256 = d.sha256;
    return p;
}

// Recording a finished run must not lose it to a moment of contention: a busy database is
// tried again, a bounded number of times, each attempt itself waiting the busy timeout.
constexpr int k_record_attempts = 5;

// A busy or locked database, whether already an opsctl Busy or still the store's own
// exception (SQLite's, translated into Busy only at the top).
bool is_busy(const std::exception& e) {
    if (const auto* err = dynamic_cast<const Error*>(&e)) {
        return err->status() == exit_code::k_busy;
    }
    const auto f = store::database_failure(e);
    return f && f->status() == exit_code::k_busy;
}

// Runs fn, again after a pause while the database is busy; the last busy failure is thrown
// as an Error with the busy status (75).
template <typename Fn>
void with_retries(Fn&& fn) {
    for (int attempt = 1;; ++attempt) {
        try {
            fn();
            return;
        } catch (const std::exception& e) {
            if (!is_busy(e)) {
                throw;
            }
            if (attempt >= k_record_attempts) {
                if (dynamic_cast<const Error*>(&e) != nullptr) {
                    throw; // the store's busy Error (exit 75), whatever its class
                }
                throw Busy(store::database_failure(e)->what(), "the busy timeout ran out; try again");
            }
            ::usleep(static_cast<useconds_t>(100000 * attempt));
        }
    }
}

// Records run `id`, left 'running' by a process that renamed its backup into place but did
// not record it, as the success it was (size and checksum of the file as it is now).
void adopt_stranded(Context& ctx, const policy::BackupJob& job, std::int64_t id, const fs::path& path) {
    const auto d = hash_file(path);
    struct stat st {};
    store::BackupRunRow row;
    row.id = id;
    row.finished_at = ::stat(path.c_str(), &st) == 0 ? static_cast<std::int64_t>(st.st_mtime) : ctx.now;
    row.size_bytes = d.size;
    if (job.kind == policy::BackupKind::command) {
        row.files = 1;
        row.source_bytes = d.size;
    }
    row.sha256 = d.sha256;
    row.path = path.string();
    row.warning = "recorded by a later run: the run ended before it recorded its complete backup";
    with_retries([&] {
        store::WriteTransaction tx(ctx.db);
        store::finish_backup_run(ctx.db, row);
        audit::record(ctx, "backup", std::to_string(id), "recovered", {{"job", job.name}, {"path", row.path}, {"size_bytes", d.size}, {"sha256", d.sha256}});
        tx.commit();
    });
}

RunOutcome run_one(Context& ctx, const policy::BackupJob& job, const ProgressFn& progress) {
    RunOutcome out;
    out.job = job.name;
    const fs::path dest = job_dest(ctx, job);
    std::error_code ec;
    if (!fs::exists(dest, ec)) {
        fs::create_directories(dest, ec);
        if (ec) {
            throw Failure(fmt::format("cannot create the backup folder '{}': {}", dest.string(), ec.message()));
        }
        // Backups may hold secrets: the folders opsctl creates are private.
        fs::permissions(dest, fs::perms::owner_all, ec);
    }
    JobLock lock(dest, job.name);
    const auto started = Clock::now();
    std::int64_t id = 0;
    std::optional<std::int64_t> previous_size;
    std::vector<std::int64_t> interrupted;
    {
        store::write_transaction(ctx.db, [&] {
            interrupted.clear();
            previous_size.reset();
            // We hold the job's lock, so a run still marked 'running' belongs to a dead process.
            interrupted = store::fail_running_backup_runs(ctx.db, job.name, ctx.now, "interrupted: the run did not finish");
            for (const auto stale : interrupted) {
                audit::record(ctx, "backup", std::to_string(stale), "interrupted", nlohmann::json::object());
            }
            const auto live = store::live_backup_runs(ctx.db, job.name);
            if (!live.empty()) {
                previous_size = live.front().size_bytes;
            }
            id = store::insert_backup_run(ctx.db, job.name, policy::kind_name(job.kind), ctx.now, ctx.actor);
            audit::record(ctx, "backup", std::to_string(id), "started", {{"job", job.name}});
        });
    }
    out.run_id = id;
    // Leftovers of interrupted runs of this job: partial files, and an archive that was
    // renamed into place just before its process died, before the run was recorded as a
    // success. A file under a final name always belongs to a successful run.
    const std::string prefix = "." + job.name + "-";
    const auto ends_with = [](const std::string& n, const std::string& tail) {
        return n.size() >= tail.size() && n.compare(n.size() - tail.size(), tail.size(), tail) == 0;
    };
    std::vector<std::pair<std::int64_t, fs::path>> stranded;
    for (fs::directory_iterator it(dest, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string n = it->path().filename().string();
        // Partial files, and the temporary copy of a database (".<name>.db.partial.<hex>.tmp").
        const bool leftover = (n.rfind(prefix, 0) == 0 && ends_with(n, ".partial")) ||
                              (n.rfind("." + prefix, 0) == 0 && ends_with(n, ".tmp"));
        for (const auto stale : interrupted) {
            if (n.rfind(job.name + "-", 0) == 0 && ends_with(n, fmt::format("-r{}{}", stale, job.suffix))) {
                stranded.emplace_back(stale, it->path());
            }
        }
        if (leftover) {
            std::error_code rm;
            fs::remove(it->path(), rm);
        }
    }
    // A file under a final name was flushed before it was renamed: it is complete, and only
    // its record is missing (the process died, or the database stayed busy). It is recorded
    // now, never deleted.
    for (const auto& [stale, path] : stranded) {
        adopt_stranded(ctx, job, stale, path);
    }
    const std::string name = fmt::format("{}-{}-r{}{}", job.name, file_stamp(ctx.now), id, job.suffix);
    const fs::path final_path = dest / name;
    // The command's output and the database copy go to random names that nobody can plant in
    // advance; archives are written through util::AtomicFile (O_EXCL|O_NOFOLLOW, random name,
    // renamed into place). All end in ".partial", which the clean-up above removes.
    const fs::path tmp = util::random_temp_name(final_path, "partial");
    const fs::path db_copy = util::random_temp_name(final_path, "db.partial");
    std::string captured;
    try {
        Produced p;
        if (job.kind == policy::BackupKind::command) {
            p = run_command(ctx, job, tmp, id, captured);
            fs::rename(tmp, final_path, ec);
            if (ec) {
                throw Failure(fmt::format("cannot rename '{}' to '{}': {}", tmp.string(),
                                          final_path.string(), ec.message()));
            }
            sync_path(dest, true);
        } else {
            ArchiveSpec spec;
            spec.exclude = job.exclude;
            spec.label = job.name;
            spec.progress = progress;
            // Never archive backups into backups: every job's folder is left out.
            for (const auto& [other_name, other] : ctx.policy.backups.jobs) {
                const fs::path d = job_dest(ctx, other);
                spec.skip.push_back(d);
                spec.skip.push_back(fs::weakly_canonical(d, ec));
            }
            if (job.kind == policy::BackupKind::archive) {
                for (const auto& p : job.paths) {
                    fs::path src = expand_home(p);
                    if (src.is_relative()) {
                        src = ctx.policy.dir / src;
                    }
                    src = fs::absolute(src).lexically_normal();
                    if (src.has_filename() == false && src != src.root_path()) {
                        src = src.parent_path();
                    }
                    if (src == src.root_path()) {
                        throw Failure(fmt::format("backup job '{}': refusing to archive '/' as a whole", job.name));
                    }
                    spec.sources.push_back(src);
                }
            } else {
                // The database is copied page by page through SQLite's online backup API, so
                // the copy is consistent while others write; the copy is then archived.
                // On PostgreSQL the copy is pg_dump's custom format (pg_restore reads it).
                store::backup_database(ctx.db, db_copy);
                spec.renamed.emplace_back(ctx.db.is_postgres() ? std::string("opsctl.pgdump")
                                                                : ctx.db.path().filename().string(),
                                          db_copy);
            }
            util::AtomicFile archive(final_path, 0600, "partial");
            p = write_archive_file(archive, spec);
            fs::remove(db_copy, ec);
            archive.commit();
        }

        out.status = "success";
        out.path = final_path.string();
        out.size_bytes = p.size_bytes;
        out.files = p.files;
        out.sha256 = p.sha256;
        std::vector<std::string> warnings = p.notes;
        if (job.kind == policy::BackupKind::archive && p.regular_files == 0) {
            warnings.push_back(k_no_regular_file);
        }
        if (previous_size && *previous_size > 0 && job.min_size_ratio > 0 &&
            static_cast<double>(p.size_bytes) < job.min_size_ratio * static_cast<double>(*previous_size)) {
            warnings.push_back(fmt::format("size dropped to {:.0f}% of the previous backup ({} of {} bytes)",
                                           100.0 * static_cast<double>(p.size_bytes) / static_cast<double>(*previous_size),
                                           p.size_bytes, *previous_size));
        }
        for (const auto& w : warnings) {
            out.warning += (out.warning.empty() ? "" : "; ") + w;
        }
        out.duration_ms = elapsed_ms(started);
        store::BackupRunRow row;
        row.id = id;
        row.finished_at = ctx.now + out.duration_ms / 1000;
        row.size_bytes = p.size_bytes;
        row.source_bytes = p.source_bytes;
        row.files = p.files;
        row.sha256 = p.sha256;
        row.path = out.path;
        row.warning = out.warning;
        row.captured = captured;
        try {
            with_retries([&] {
                store::WriteTransaction tx(ctx.db);
                store::finish_backup_run(ctx.db, row);
                audit::record(ctx, "backup", std::to_string(id), "succeeded",
                       {{"job", job.name}, {"path", out.path}, {"size_bytes", p.size_bytes}, {"sha256", p.sha256}});
                tx.commit();
            });
        } catch (const Error& e) {
            if (e.status() != exit_code::k_busy) {
                throw;
            }
            // The work is done and on disk: never thrown away for a busy database. The run
            // stays 'running'; the job's next run finds the file and records it.
            throw Busy(fmt::format("backup job '{}' finished but its run {} could not be recorded ({}); the complete "
                                   "backup is kept as '{}'",
                                   job.name, id, e.what(), out.path),
                       "the job's next run records it");
        }
    } catch (const std::exception& e) {
        if (!out.path.empty()) {
            // Only recording failed: the backup under its final name is complete and kept.
            throw;
        }
        fs::remove(tmp, ec);
        fs::remove(db_copy, ec);
        out.status = "failed";
        out.error = e.what();
        if (const auto* err = dynamic_cast<const Error*>(&e); err && !err->hint().empty()) {
            out.error += " (" + err->hint() + ")";
        }
        out.duration_ms = elapsed_ms(started);
        with_retries([&] {
            store::WriteTransaction tx(ctx.db);
            store::fail_backup_run(ctx.db, id, ctx.now + out.duration_ms / 1000, out.error);
            audit::record(ctx, "backup", std::to_string(id), "failed", {{"job", job.name}, {"error", out.error}});
            notify::queue(ctx, "backup.failed", {{"job", job.name}, {"run", id}, {"error", out.error}});
            tx.commit();
        });
        notify::after_commit(ctx, "backup.failed", {{"job", job.name}, {"run", id}, {"error", out.error}});
    }
    return out;
}

bool is_due(Context& ctx, const policy::BackupJob& job) {
    if (!job.every) {
        return true;
    }
    const auto live = store::live_backup_runs(ctx.db, job.name);
    if (live.empty()) {
        return true;
    }
    return core::add_calendar(live.front().started_at, *job.every, ctx.zone()) <= ctx.now;
}

std::string check_detail(const store::BackupRunRow& run, std::int64_t size, const std::string& sha) {
    const std::int64_t want = run.size_bytes.value_or(0);
    if (size < want) {
        return fmt::format("truncated: {} of {} bytes", size, want);
    }
    if (size > want) {
        return fmt::format("altered: {} bytes, {} recorded", size, want);
    }
    if (sha != run.sha256) {
        return "altered: SHA-256 differs from the recorded one";
    }
    return {};
}

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "opsctl-verify-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) {
            throw Failure(fmt::format("cannot create a temporary folder: {}", std::strerror(errno)));
        }
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

std::string join(const std::vector<std::string>& parts, const char* sep) {
    std::string out;
    for (const auto& p : parts) {
        out += (out.empty() ? "" : sep) + p;
    }
    return out;
}

const policy::BackupJob* job_of(const Context& ctx, const store::BackupRunRow& run) {
    const auto it = ctx.policy.backups.jobs.find(run.job);
    return it == ctx.policy.backups.jobs.end() ? nullptr : &it->second;
}

// The command that checks a command job's backups in the tool's own repository (restic
// check, borg check, pg_restore --list): the deep one for a deep verification.
const std::vector<std::string>* tool_verify_command(const policy::BackupJob* job, bool deep) {
    if (job == nullptr || job->kind != policy::BackupKind::command) {
        return nullptr;
    }
    if (deep && !job->deep_verify_command.empty()) {
        return &job->deep_verify_command;
    }
    return job->verify_command.empty() ? nullptr : &job->verify_command;
}

VerifyOutcome verify_run(Context& ctx, const store::BackupRunRow& run, bool deep, const ProgressFn& progress) {
    VerifyOutcome v;
    v.run_id = run.id;
    v.job = run.job;
    v.path = run.path;
    v.deep = deep;
    std::vector<std::string> problems;
    std::vector<std::string> passed;
    std::error_code ec;
    const auto* tool = run.kind == "command" ? tool_verify_command(job_of(ctx, run), deep) : nullptr;
    if (!fs::is_regular_file(run.path, ec)) {
        problems.push_back(fmt::format("missing: '{}' does not exist", run.path));
    } else if (run.kind == "command") {
        // The output file (a log, or the dump itself) must be as written; what the tool
        // stored elsewhere is checked by the tool's own verify command.
        const auto d = hash_file(run.path);
        if (auto detail = check_detail(run, d.size, d.sha256); !detail.empty()) {
            problems.push_back(detail);
        } else {
            passed.push_back("checksum matches");
        }
        if (tool != nullptr) {
            const auto& job = *job_of(ctx, run);
            try {
                const auto argv = expand_argv(*tool, run_values(run));
                run_job_command(job, argv, job_environment(job, ctx.policy.dir, run.id));
                passed.push_back(fmt::format("'{}' ok", tool->front()));
            } catch (const Failure& e) {
                problems.push_back(e.what());
            } catch (const DataError& e) {
                problems.push_back(e.what());
            }
        }
    } else if (!v.deep) {
        std::function<void(std::int64_t)> step;
        if (progress) {
            step = [&](std::int64_t done) {
                if (done % (64 << 20) < (1 << 20)) {
                    progress(Progress{done, run.size_bytes.value_or(0), 0});
                }
            };
        }
        const auto d = hash_file(run.path, step);
        if (auto detail = check_detail(run, d.size, d.sha256); !detail.empty()) {
            problems.push_back(detail);
        }
    } else {
        TempDir tmp;
        ReadSpec spec;
        spec.target = tmp.path;
        spec.progress = progress;
        const auto check = read_archive(run.path, spec);
        if (auto detail = check_detail(run, check.size_bytes, check.sha256); !detail.empty()) {
            problems.push_back(detail);
        }
        for (const auto& u : check.unsafe) {
            problems.push_back("unsafe member " + u);
        }
        problems.insert(problems.end(), check.problems.begin(), check.problems.end());
        if (!check.has_manifest && check.problems.empty()) {
            problems.push_back("no manifest in the archive");
        }
        if (problems.empty() && run.files && check.members != *run.files) {
            problems.push_back(fmt::format("{} members, {} recorded", check.members, *run.files));
        }
    }
    v.ok = problems.empty();
    if (!v.ok) {
        v.detail = join(problems, "; ");
    } else if (run.kind == "command") {
        v.detail = "ok: " + join(passed, "; ");
    } else {
        v.detail = v.deep ? fmt::format("ok: {} members match the manifest", run.files.value_or(0)) : "ok: checksum matches";
    }
    const nlohmann::json notice = {{"job", run.job}, {"run", run.id}, {"detail", v.detail}};
    store::write_transaction(ctx.db, [&] {
        store::BackupVerificationRow row;
        row.run_id = run.id;
        row.at = ctx.now;
        row.ok = v.ok;
        row.deep = v.deep;
        row.detail = v.detail;
        store::insert_backup_verification(ctx.db, row);
        audit::record(ctx, "backup", std::to_string(run.id), v.ok ? "verified" : "verification_failed", {{"deep", v.deep}, {"detail", v.detail}});
        if (!v.ok) {
            notify::queue(ctx, "backup.verification_failed", notice);
        }
    });
    if (!v.ok) {
        notify::after_commit(ctx, "backup.verification_failed", notice);
    }
    return v;
}

bool all_digits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool inside(const fs::path& file, const fs::path& dir) {
    std::error_code ec;
    const fs::path f = fs::weakly_canonical(file, ec);
    const fs::path d = fs::weakly_canonical(dir, ec);
    const fs::path rel = f.lexically_relative(d);
    return !rel.empty() && *rel.begin() != ".." && !rel.is_absolute() && rel != ".";
}

} // namespace

fs::path job_dest(const Context& ctx, const policy::BackupJob& job) {
    fs::path dest = expand_home(job.dest);
    if (dest.is_relative()) {
        // Beside the database file; a PostgreSQL database has no folder: the policy's then.
        dest = (ctx.db.is_postgres() ? fs::absolute(ctx.policy.dir) : fs::absolute(ctx.db.path()).parent_path()) / dest;
    }
    return dest.lexically_normal();
}

std::vector<RunOutcome> run_jobs(Context& ctx, const RunRequest& request) {
    std::vector<const policy::BackupJob*> jobs;
    if (request.all) {
        for (const auto& [name, job] : ctx.policy.backups.jobs) {
            jobs.push_back(&job);
        }
    } else {
        for (const auto& name : request.jobs) {
            jobs.push_back(&find_job(ctx, name));
        }
    }
    std::vector<RunOutcome> out;
    for (const auto* job : jobs) {
        if (request.due && !is_due(ctx, *job)) {
            RunOutcome skipped;
            skipped.job = job->name;
            skipped.status = "skipped";
            skipped.warning = "not due";
            out.push_back(std::move(skipped));
            continue;
        }
        out.push_back(run_one(ctx, *job, request.progress));
    }
    return out;
}

std::vector<store::BackupRunRow> list_runs(Context& ctx, const std::optional<std::string>& job, int limit) {
    if (job && !ctx.policy.backups.jobs.count(*job)) {
        // A job removed from the policy still has history: only complain when it has none.
        auto rows = store::list_backup_runs(ctx.db, job, limit);
        if (rows.empty()) {
            find_job(ctx, *job);
        }
        return rows;
    }
    return store::list_backup_runs(ctx.db, job, limit);
}

RunDetail show_run(Context& ctx, std::int64_t id) {
    auto run = store::find_backup_run(ctx.db, id);
    if (!run) {
        throw NotFound(fmt::format("no backup run {}", id), "see 'opsctl backup list'");
    }
    RunDetail d;
    d.run = std::move(*run);
    d.verifications = store::backup_verifications_for(ctx.db, id);
    d.restores = store::backup_restores_for(ctx.db, id);
    return d;
}

std::vector<VerifyOutcome> verify(Context& ctx, const std::vector<std::string>& targets, bool deep,
                                  const ProgressFn& progress) {
    std::vector<store::BackupRunRow> runs;
    auto newest = [&](const std::string& job, bool required) {
        auto live = store::live_backup_runs(ctx.db, job);
        if (live.empty()) {
            if (required) {
                throw NotFound(fmt::format("backup job '{}' has no backup to verify", job), "run 'opsctl backup run " + job + "' first");
            }
            return;
        }
        runs.push_back(live.front());
    };
    if (targets.empty()) {
        for (const auto& [name, job] : ctx.policy.backups.jobs) {
            newest(name, false);
        }
    }
    for (const auto& t : targets) {
        if (all_digits(t)) {
            auto run = store::find_backup_run(ctx.db, std::stoll(t));
            if (!run) {
                throw NotFound(fmt::format("no backup run {}", t), "see 'opsctl backup list'");
            }
            if (run->status != "success") {
                throw DataError(fmt::format("backup run {} did not succeed ({}), there is nothing to verify", t, run->status));
            }
            if (run->pruned_at) {
                throw DataError(fmt::format("backup run {} was pruned on {}", t, core::format_time(*run->pruned_at, ctx.zone())));
            }
            runs.push_back(*run);
        } else {
            find_job(ctx, t);
            newest(t, true);
        }
    }
    // A deep verification that cannot happen is refused before anything is verified: a
    // command job's deep check is its tool's (deep_verify_command or verify_command); a
    // checksum of its output file in its place would say "ok" about data it never read.
    if (deep) {
        std::vector<std::string> cannot;
        for (const auto& run : runs) {
            if (run.kind == "command" && tool_verify_command(job_of(ctx, run), true) == nullptr &&
                std::find(cannot.begin(), cannot.end(), "'" + run.job + "'") == cannot.end()) {
                cannot.push_back("'" + run.job + "'");
            }
        }
        if (!cannot.empty()) {
            throw UsageError(fmt::format("cannot verify backup job{} {} deeply: a command job's deep check is its tool's, "
                                         "and the job has no 'verify_command' or 'deep_verify_command'",
                                         cannot.size() == 1 ? "" : "s", join(cannot, ", ")),
                             "give the job a verify command in the policy, or verify without --deep");
        }
    }
    std::vector<VerifyOutcome> out;
    for (const auto& run : runs) {
        bool job_deep = false;
        if (auto it = ctx.policy.backups.jobs.find(run.job); it != ctx.policy.backups.jobs.end()) {
            job_deep = it->second.verify == policy::BackupVerify::restore;
        }
        out.push_back(verify_run(ctx, run, deep || job_deep, progress));
    }
    return out;
}

std::vector<PruneDecision> prune(Context& ctx, const std::optional<std::string>& only_job, bool dry_run) {
    std::vector<const policy::BackupJob*> jobs;
    if (only_job) {
        jobs.push_back(&find_job(ctx, *only_job));
    } else {
        for (const auto& [name, job] : ctx.policy.backups.jobs) {
            jobs.push_back(&job);
        }
    }
    std::vector<PruneDecision> out;
    for (const auto* job : jobs) {
        const auto live = store::live_backup_runs(ctx.db, job->name);
        std::vector<RetentionItem> items;
        for (const auto& r : live) {
            items.push_back({r.id, r.started_at});
        }
        const auto decisions = select_retention(items, job->keep, ctx.zone());
        std::optional<std::int64_t> newest_verified;
        for (const auto& r : live) {
            if (r.verified_ok.value_or(false)) {
                newest_verified = r.id;
                break;
            }
        }
        const fs::path dest = job_dest(ctx, *job);
        std::vector<PruneDecision> batch;
        for (const auto& d : decisions) {
            PruneDecision p;
            p.run = *std::find_if(live.begin(), live.end(), [&](const auto& r) { return r.id == d.id; });
            p.keep = d.keep;
            p.reasons = d.reasons;
            if (!p.keep && newest_verified && *newest_verified == d.id) {
                p.keep = true;
                p.reasons.push_back("newest verified");
            }
            if (!p.keep && !inside(p.run.path, dest)) {
                p.keep = true;
                p.reasons.push_back("outside dest");
                p.note = fmt::format("'{}' is not under '{}'", p.run.path, dest.string());
            }
            batch.push_back(std::move(p));
        }
        if (!dry_run) {
            store::WriteTransaction tx(ctx.db);
            for (auto& p : batch) {
                if (p.keep) {
                    continue;
                }
                std::error_code ec;
                if (!fs::remove(p.run.path, ec)) {
                    if (ec) {
                        p.note = fmt::format("cannot delete: {}", ec.message());
                        continue;
                    }
                    p.note = "file was already gone";
                }
                p.deleted = true;
                store::BackupPruneRow row;
                row.run_id = p.run.id;
                row.at = ctx.now;
                row.path = p.run.path;
                row.size_bytes = p.run.size_bytes.value_or(0);
                row.actor = ctx.actor;
                store::insert_backup_prune(ctx.db, row);
                store::mark_backup_run_pruned(ctx.db, p.run.id, ctx.now);
                audit::record(ctx, "backup", std::to_string(p.run.id), "pruned", {{"job", job->name}, {"path", p.run.path}});
            }
            tx.commit();
        }
        out.insert(out.end(), std::make_move_iterator(batch.begin()), std::make_move_iterator(batch.end()));
    }
    return out;
}

JobStatus job_status(Context& ctx, const std::string& name) {
    const auto& job = find_job(ctx, name);
    JobStatus s;
    s.job = job.name;
    s.kind = policy::kind_name(job.kind);
    if (job.max_age) {
        s.max_age_seconds = job.max_age->approx_seconds();
    }
    const auto last = store::last_finished_backup_run(ctx.db, job.name);
    const auto live = store::live_backup_runs(ctx.db, job.name);
    const auto last_v = store::last_backup_verification(ctx.db, job.name);
    const auto last_ok_v = store::last_ok_backup_verification(ctx.db, job.name);
    if (last) {
        s.last_run_id = last->id;
        s.last_run_status = last->status;
    }
    if (!live.empty()) {
        s.last_success_run_id = live.front().id;
        s.last_success_at = live.front().finished_at.value_or(live.front().started_at);
        s.age_seconds = ctx.now - *s.last_success_at;
        s.last_size_bytes = live.front().size_bytes;
        if (live.size() > 1) {
            s.previous_size_bytes = live[1].size_bytes;
        }
    }
    if (last_v) {
        s.last_verified_at = last_v->at;
        s.last_verification_ok = last_v->ok;
    }
    std::vector<std::string> critical;
    std::vector<std::string> warning;
    if (!last) {
        s.status = state::k_unknown;
        s.summary = "never ran";
        return s;
    }
    if (last->status == "failed") {
        critical.push_back(fmt::format("last run {} failed: {}", last->id, last->error));
    }
    if (live.empty()) {
        critical.push_back("no successful backup");
    } else if (job.max_age && core::add_calendar(*s.last_success_at, *job.max_age, ctx.zone()) < ctx.now) {
        critical.push_back(fmt::format("newest backup is {} old, past max_age {}", core::format_seconds(*s.age_seconds),
                                       core::format_duration(*job.max_age)));
    }
    if (last_v && !last_v->ok) {
        critical.push_back(fmt::format("last verification of run {} failed: {}", last_v->run_id, last_v->detail));
    }
    if (!live.empty()) {
        // "Verified lately": a good verification within max_age (a week when max_age is unset).
        const core::Duration window = job.max_age.value_or(core::Duration{0, 7, 0});
        if (!last_ok_v) {
            warning.push_back("never verified");
        } else if (core::add_calendar(last_ok_v->at, window, ctx.zone()) < ctx.now) {
            warning.push_back(fmt::format("not verified for {}", core::format_seconds(ctx.now - last_ok_v->at)));
        }
        if (live.front().warning.find(k_no_regular_file) != std::string::npos) {
            warning.push_back(fmt::format("newest backup (run {}) holds no regular file", live.front().id));
        }
        if (s.previous_size_bytes && *s.previous_size_bytes > 0 && job.min_size_ratio > 0 && s.last_size_bytes &&
            static_cast<double>(*s.last_size_bytes) < job.min_size_ratio * static_cast<double>(*s.previous_size_bytes)) {
            warning.push_back(fmt::format("size dropped to {:.0f}% of the previous backup",
                                          100.0 * static_cast<double>(*s.last_size_bytes) /
                                              static_cast<double>(*s.previous_size_bytes)));
        }
    }
    if (!critical.empty()) {
        s.status = state::k_critical;
        critical.insert(critical.end(), warning.begin(), warning.end());
        s.summary = join(critical, "; ");
    } else if (!warning.empty()) {
        s.status = state::k_warning;
        s.summary = join(warning, "; ");
    } else {
        s.status = state::k_ok;
        s.summary = fmt::format("newest backup {} old, verified", core::format_seconds(s.age_seconds.value_or(0)));
    }
    return s;
}

std::vector<JobStatus> job_statuses(Context& ctx) {
    std::vector<JobStatus> out;
    for (const auto& [name, job] : ctx.policy.backups.jobs) {
        out.push_back(job_status(ctx, name));
    }
    return out;
}

int overall_status(const std::vector<JobStatus>& statuses) {
    auto rank = [](int s) {
        switch (s) {
        case state::k_critical:
            return 3;
        case state::k_unknown:
            return 2;
        case state::k_warning:
            return 1;
        default:
            return 0;
        }
    };
    int worst = state::k_ok;
    for (const auto& s : statuses) {
        if (rank(s.status) > rank(worst)) {
            worst = s.status;
        }
    }
    return worst;
}

RestoreOutcome restore(Context& ctx, const RestoreRequest& request) {
    auto run = store::find_backup_run(ctx.db, request.run_id);
    if (!run) {
        throw NotFound(fmt::format("no backup run {}", request.run_id), "see 'opsctl backup list'");
    }
    if (run->status != "success") {
        throw DataError(fmt::format("backup run {} did not succeed ({}), there is nothing to restore", run->id, run->status));
    }
    if (run->pruned_at) {
        throw DataError(fmt::format("backup run {} was pruned on {}", run->id, core::format_time(*run->pruned_at, ctx.zone())));
    }
    std::error_code ec;
    if (!fs::is_regular_file(run->path, ec)) {
        throw Failure(fmt::format("backup file '{}' of run {} is missing", run->path, run->id));
    }
    const fs::path target = fs::absolute(request.target).lexically_normal();
    if (fs::exists(target, ec)) {
        if (!fs::is_directory(target, ec)) {
            throw Failure(fmt::format("restore target '{}' is not a folder", target.string()));
        }
        if (!fs::is_empty(target, ec) && !request.force) {
            throw Failure(fmt::format("restore target '{}' is not empty", target.string()),
                          "use an empty folder, or --force to restore into it anyway");
        }
    } else {
        fs::create_directories(target, ec);
        if (ec) {
            throw Failure(fmt::format("cannot create '{}': {}", target.string(), ec.message()));
        }
    }
    const auto started = Clock::now();
    RestoreOutcome out;
    out.run_id = run->id;
    out.job = run->job;
    out.target = target.string();
    std::vector<std::string> problems;
    auto save = [&] {
        out.duration_ms = elapsed_ms(started);
        out.ok = problems.empty();
        out.detail = out.ok ? fmt::format("ok: {} members restored", out.files) : join(problems, "; ");
        store::write_transaction(ctx.db, [&] {
            store::BackupRestoreRow row;
            row.run_id = run->id;
            row.at = ctx.now;
            row.duration_ms = out.duration_ms;
            row.ok = out.ok;
            row.target = out.target;
            row.files = out.files;
            row.detail = out.detail;
            row.actor = ctx.actor;
            store::insert_backup_restore(ctx.db, row);
            audit::record(ctx, "backup", std::to_string(run->id), out.ok ? "restored" : "restore_failed",
                   {{"target", out.target}, {"duration_ms", out.duration_ms}, {"detail", out.detail}});
        });
    };

    if (run->kind == "command") {
        if (!request.only.empty()) {
            throw UsageError("--only applies to archives; this backup is one command's output");
        }
        const auto* job = job_of(ctx, *run);
        if (job != nullptr && job->kind == policy::BackupKind::command && !job->restore_command.empty()) {
            // The data is in the tool's repository: the tool restores it, the output file
            // only tells which snapshot (captured values) to restore.
            try {
                auto values = run_values(*run);
                values["target"] = target.string();
                const auto argv = expand_argv(job->restore_command, values);
                run_job_command(*job, argv, job_environment(*job, ctx.policy.dir, run->id));
                for (fs::recursive_directory_iterator it(target, ec), end; !ec && it != end; it.increment(ec)) {
                    ++out.files;
                }
            } catch (const Failure& e) {
                problems.push_back(e.what());
            } catch (const DataError& e) {
                problems.push_back(e.what());
            }
            save();
            return out;
        }
        const fs::path to = target / fs::path(run->path).filename();
        fs::copy_file(run->path, to, fs::copy_options::overwrite_existing, ec);
        if (ec) {
            problems.push_back(fmt::format("cannot copy to '{}': {}", to.string(), ec.message()));
        } else {
            out.files = 1;
            const auto d = hash_file(to);
            if (auto detail = check_detail(*run, d.size, d.sha256); !detail.empty()) {
                problems.push_back(detail);
            }
        }
        save();
        return out;
    }

    // First pass: read every member name (and the checksum) before anything is written, so
    // that an archive with a member escaping the target is refused as a whole.
    ReadSpec scan;
    scan.progress = request.progress;
    const auto first = read_archive(run->path, scan);
    if (!first.unsafe.empty()) {
        problems.push_back("members would land outside the target: " + join(first.unsafe, ", "));
        save();
        throw DataError(fmt::format("refusing to restore run {}: {} member{} would land outside '{}': {}", run->id,
                                    first.unsafe.size(), first.unsafe.size() == 1 ? "" : "s", target.string(),
                                    join(first.unsafe, ", ")),
                        "nothing was written");
    }
    if (!request.only.empty() && first.has_manifest) {
        for (const auto& o : request.only) {
            const bool any = std::any_of(first.manifest.begin(), first.manifest.end(),
                                         [&](const ManifestEntry& m) { return member_selected(m.path, {o}); });
            if (!any) {
                throw UsageError(fmt::format("no member of run {} matches --only '{}'", run->id, o),
                                 "member names are the archived paths without the leading '/'");
            }
        }
    }
    // Nothing is written from an archive that does not verify: its recorded checksum, its
    // manifest, every member against the manifest, no member type opsctl never archives.
    std::vector<std::string> unverified;
    if (auto detail = check_detail(*run, first.size_bytes, first.sha256); !detail.empty()) {
        unverified.push_back(detail);
    }
    if (!first.has_manifest && first.problems.empty()) {
        unverified.push_back("no manifest in the archive");
    }
    unverified.insert(unverified.end(), first.problems.begin(), first.problems.end());
    problems = unverified;
    if (!unverified.empty()) {
        if (!request.force) {
            save();
            throw DataError(fmt::format("refusing to restore run {}: the archive does not verify: {}", run->id,
                                        join(unverified, "; ")),
                            "nothing was written; --force restores what can be read, without owners, setuid or setgid bits");
        }
        // In a disaster a damaged backup may be better than none, but nobody may mistake it
        // for a good one: the drill fails, and what was skipped is said.
        out.warnings.push_back(fmt::format("run {} does not verify ({}); restoring it anyway because of --force",
                                           run->id, join(unverified, "; ")));
        out.warnings.push_back("not restored from an archive that does not verify: owners and groups, extended "
                               "attributes, ACLs, setuid and setgid bits (devices, FIFOs and sockets never are)");
    }
    ReadSpec spec;
    spec.target = target;
    spec.only = request.only;
    spec.progress = request.progress;
    // Owners, attributes and setuid/setgid bits only from an archive that verified; owners
    // only as root (anyone else cannot give files away).
    spec.setid = unverified.empty();
    spec.owners = unverified.empty() && ::geteuid() == 0;
    const auto second = read_archive(run->path, spec);
    for (const auto& p : second.problems) {
        if (std::find(problems.begin(), problems.end(), p) == problems.end()) {
            problems.push_back(p);
        }
    }
    if (second.has_manifest) {
        out.files = static_cast<std::int64_t>(std::count_if(second.manifest.begin(), second.manifest.end(),
                                                            [&](const ManifestEntry& m) { return member_selected(m.path, request.only); }));
    } else {
        out.files = second.members;
    }
    save();
    return out;
}

} // namespace opsctl::backup
