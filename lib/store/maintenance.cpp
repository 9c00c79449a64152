#include "lib/store/maintenance.hpp"

#include "lib/core/error.hpp"
#include "lib/store/events.hpp"
#include "lib/store/record_digest.hpp"
#include "lib/util/file.hpp"

#include <SQLiteCpp/Backup.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

namespace opsctl::store {

namespace fs = std::filesystem;

DatabaseInfo database_info(Database& db) {
    DatabaseInfo info;
    info.path = fs::absolute(db.path()).string();
    std::error_code ec;
    info.size_bytes = fs::file_size(db.path(), ec);
    const auto wal = fs::path(db.path().string() + "-wal");
    if (fs::exists(wal, ec)) {
        info.size_bytes += fs::file_size(wal, ec);
    }
    info.schema_version = db.schema_version();
    info.binary_schema_version = current_schema_version();
    info.journal_mode = db.sql().execAndGet("PRAGMA journal_mode").getString();
    std::vector<std::string> tables;
    SQLite::Statement q(db.sql(), "SELECT name FROM sqlite_master WHERE type = 'table' "
                                  "AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%' "
                                  "AND name NOT LIKE '%_fts_%' ORDER BY name");
    while (q.executeStep()) {
        tables.push_back(q.getColumn(0).getString());
    }
    for (const auto& t : tables) {
        // Table names come from sqlite_master, not from the user; quoted all the same.
        SQLite::Statement count(db.sql(), fmt::format("SELECT count(*) FROM \"{}\"", t));
        count.executeStep();
        info.row_counts.emplace_back(t, count.getColumn(0).getInt64());
    }
    return info;
}

std::vector<CheckFinding> check_database(Database& db, bool group_allowed) {
    std::vector<CheckFinding> out;
    {
        CheckFinding f{"integrity", true, "ok"};
        SQLite::Statement q(db.sql(), "PRAGMA integrity_check");
        std::vector<std::string> lines;
        while (q.executeStep()) {
            lines.push_back(q.getColumn(0).getString());
        }
        if (!(lines.size() == 1 && lines[0] == "ok")) {
            f.ok = false;
            f.detail = lines.empty() ? "no answer" : lines.front();
            if (lines.size() > 1) {
                f.detail += fmt::format(" (and {} more)", lines.size() - 1);
            }
        }
        out.push_back(f);
    }
    {
        CheckFinding f{"foreign_keys", true, "ok"};
        SQLite::Statement q(db.sql(), "PRAGMA foreign_key_check");
        int n = 0;
        std::string first;
        while (q.executeStep()) {
            if (n++ == 0) {
                first = fmt::format("row {} of '{}' points to a missing row of '{}'", q.getColumn(1).getInt64(),
                                    q.getColumn(0).getString(), q.getColumn(2).getString());
            }
        }
        if (n > 0) {
            f.ok = false;
            f.detail = n == 1 ? first : fmt::format("{} (and {} more)", first, n - 1);
        }
        out.push_back(f);
    }
    {
        const ChainCheck chain = verify_event_chain(db);
        CheckFinding f{"events", !chain.first_bad_id.has_value(), ""};
        f.detail = f.ok ? fmt::format("{} events, hash chain intact", chain.rows) : chain.problem;
        out.push_back(f);
    }
    {
        // Tickets and assets against the digest their newest event holds: a row changed,
        // inserted or removed with the sqlite3 shell is named.
        const RecordCheck records = verify_records(db);
        CheckFinding f{"records", records.first_bad.empty(), ""};
        f.detail = f.ok ? fmt::format("{} records match their events{}", records.checked,
                                      records.unsealed > 0
                                          ? fmt::format(" ({} written before digests, not compared)", records.unsealed)
                                          : std::string())
                        : records.problem;
        out.push_back(f);
    }
    {
        CheckFinding f{"permissions", true, ""};
        std::vector<std::string> problems;
        for (const auto& suffix : {"", "-wal", "-shm"}) {
            const std::string p = db.path().string() + suffix;
            struct stat st {};
            if (::stat(p.c_str(), &st) != 0) {
                continue;
            }
            const mode_t bad = group_allowed ? (S_IWOTH | S_IROTH) : (S_IRWXG | S_IRWXO);
            if (st.st_mode & bad) {
                problems.push_back(fmt::format("'{}' has mode {:04o}", p, st.st_mode & 07777));
            }
        }
        const fs::path dir = fs::absolute(db.path()).parent_path();
        struct stat dst {};
        if (::stat(dir.c_str(), &dst) == 0 && (dst.st_mode & S_IWOTH) && !(dst.st_mode & S_ISVTX)) {
            problems.push_back(fmt::format("directory '{}' is writable by others", dir.string()));
        }
        if (problems.empty()) {
            f.detail = group_allowed ? "no access for others" : "owner only (0600)";
        } else {
            f.ok = false;
            f.detail = problems.front();
            for (std::size_t i = 1; i < problems.size(); ++i) {
                f.detail += "; " + problems[i];
            }
        }
        out.push_back(f);
    }
    return out;
}

int backup_database(Database& db, const fs::path& target) {
    std::error_code ec;
    if (target.has_parent_path()) {
        fs::create_directories(target.parent_path(), ec);
    }
    // A fresh temporary name beside the target, created O_EXCL|O_NOFOLLOW by AtomicFile;
    // SQLite then opens that empty file by name and writes the copy into it, and commit()
    // flushes and renames it (SQLite itself never creates a file under a name we did not).
    util::AtomicFile out(target, 0600);
    int pages = 0;
    try {
        SQLite::Database dest(out.temp_path().string(), SQLite::OPEN_READWRITE);
        // The copy is flushed once, by commit(), after SQLite is done with it.
        dest.exec("PRAGMA journal_mode = OFF");
        dest.exec("PRAGMA synchronous = OFF");
        SQLite::Backup backup(dest, db.sql());
        // All pages in one step: one read transaction on the source, a snapshot of one
        // moment. In WAL mode that reader never blocks a writer, and no write by another
        // connection can restart the copy, as it did between the steps of step(1024)
        // (which never finished while three writers were busy).
        for (int attempt = 0;; ++attempt) {
            const int rc = backup.executeStep(-1);
            if (rc == SQLITE_DONE) {
                break;
            }
            if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && attempt < 500) {
                ::usleep(20000);
                continue;
            }
            throw Busy(fmt::format("cannot copy the database to '{}': it stayed locked", target.string()),
                       "try again");
        }
        pages = backup.getTotalPageCount();
        // The copied header says WAL; a backup file stands alone, without -wal and -shm.
        dest.exec("PRAGMA journal_mode = DELETE");
    } catch (const SQLite::Exception& e) {
        throw Failure(fmt::format("cannot back up the database to '{}': {}", target.string(), e.what()));
    }
    out.commit();
    return pages;
}

} // namespace opsctl::store
