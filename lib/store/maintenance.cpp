#include "lib/store/maintenance.hpp"
#include "lib/store/tally.hpp"
#include "lib/store/driver.hpp"

#include "lib/core/error.hpp"
#include "lib/store/events.hpp"
#include "lib/store/record_digest.hpp"
#include "lib/util/file.hpp"

#include "lib/store/failure.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

namespace opsctl::store {

namespace fs = std::filesystem;

DatabaseInfo database_info(Database& db) {
    DatabaseInfo info;
    if (db.is_postgres()) {
        info.path = db.path().string();
        info.size_bytes = static_cast<std::uintmax_t>(db.select_int64("SELECT pg_database_size(current_database())"));
    } else {
        info.path = fs::absolute(db.path()).string();
        std::error_code ec;
        info.size_bytes = fs::file_size(db.path(), ec);
        const auto wal = fs::path(db.path().string() + "-wal");
        if (fs::exists(wal, ec)) {
            info.size_bytes += fs::file_size(wal, ec);
        }
    }
    info.schema_version = db.schema_version();
    info.binary_schema_version = current_schema_version();
    info.journal_mode = db.connection().journal_mode();
    for (const auto& t : db.connection().tables()) {
        // Table names come from the schema, not from the user; quoted all the same.
        info.row_counts.emplace_back(t, db.select_int64(fmt::format("SELECT count(*) FROM \"{}\"", t)));
    }
    return info;
}

std::vector<CheckFinding> check_database(Database& db, bool group_allowed) {
    std::vector<CheckFinding> out;
    {
        CheckFinding f{"integrity", true, "ok"};
        const std::vector<std::string> lines = db.connection().integrity_check();
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
        const auto problems = db.connection().foreign_key_check();
        const auto n = problems.size();
        std::string first;
        if (n > 0) {
            first = fmt::format("row {} of '{}' points to a missing row of '{}'", problems[0].row, problems[0].table,
                                problems[0].parent);
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
        // The review's hourly ticket counts (tally.hpp) against a recount of the tickets:
        // kept by triggers, they differ only if a trigger was dropped or the table edited.
        const std::int64_t wrong = tally_differences(db);
        out.push_back({"tally", wrong == 0,
                       wrong == 0 ? "the review's hourly ticket counts match the tickets"
                                  : fmt::format("{} of the review's hourly ticket counts differ from the tickets "
                                                "(rebuild them with 'opsctl db check --repair')",
                                                wrong)});
    }
    if (db.is_postgres()) {
        // Who may read and write is the server's to say (roles and grants), not file modes.
        out.push_back({"permissions", true, "not applicable: the server's roles and grants decide"});
        return out;
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

std::int64_t repair_database(Database& db) {
    WriteTransaction tx(db);
    const std::int64_t wrong = tally_differences(db);
    if (wrong > 0) {
        rebuild_tally(db);
        tx.commit();
    }
    return wrong;
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
        pages = db.connection().backup_to(out.temp_path());
    } catch (const DatabaseError& e) {
        if (e.kind() == DatabaseError::Kind::busy) {
            throw Busy(fmt::format("cannot copy the database to '{}': it stayed locked", target.string()),
                       "try again");
        }
        throw Failure(fmt::format("cannot back up the database to '{}': {}", target.string(), e.what()));
    }
    out.commit();
    return pages;
}

} // namespace opsctl::store
