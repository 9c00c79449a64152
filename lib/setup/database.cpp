#include "lib/setup/database.hpp"

#include "lib/store/failure.hpp"
#include "lib/store/location.hpp"

#include <fmt/format.h>
#include "lib/util/permissions.hpp"
#include "lib/util/text.hpp"

namespace opsctl::setup {

bool is_database_url(std::string_view location) { return store::is_database_url(location); }

void check_database_url(std::string_view url, std::string_view source, bool from_policy) {
    if (const auto problem = store::database_url_problem(url)) {
        const std::string message = fmt::format("{} (given by {})", *problem, source);
        if (from_policy) {
            throw ConfigError(message, store::k_database_password_hint);
        }
        throw UsageError(message, store::k_database_password_hint);
    }
}

std::unique_ptr<Database> open_database(const std::string& path, bool create, const policy::Site* site) {
    store::OpenOptions options;
    options.create = create;
    if (site) {
        options.group = site->database_group;
        options.group_writes = site->database_group_writes;
    }
    return store::Database::open(path, options);
}

store::DatabaseInfo database_info(Database& db) { return store::database_info(db); }

std::vector<store::CheckFinding> check_database(Database& db, const policy::Policy& policy) {
    auto findings = store::check_database(db, !policy.site.database_group.empty());
    // The policy decides which commands opsctl runs: others must not be able to edit it.
    const auto problems = util::policy_permission_problems(policy.dir, policy.files);
    findings.push_back({"policy_permissions", problems.empty(),
                        problems.empty() ? "not writable by others" : util::join(problems, "; ")});
    return findings;
}

std::int64_t repair_database(Database& db) { return store::repair_database(db); }

int backup_database(Database& db, const std::filesystem::path& target) { return store::backup_database(db, target); }

store::CopyResult copy_database(const std::string& from, const std::string& to, bool replace,
                                const policy::Site* site) {
    namespace fs = std::filesystem;
    const bool from_url = store::is_database_url(from);
    const bool to_url = store::is_database_url(to);
    std::error_code ec;
    if (from_url == to_url &&
        (from_url ? from == to : fs::weakly_canonical(from, ec) == fs::weakly_canonical(to, ec))) {
        throw UsageError(fmt::format("'{}' is both the source and the destination of the copy", to),
                         "copy into another database");
    }
    store::OpenOptions source;
    source.create = false;
    source.migrate = false;
    auto src = store::Database::open(from, source);
    const bool made_file = !to_url && !fs::exists(to, ec);
    try {
        auto dst = open_database(to, true, site);
        return store::copy_database(*src, *dst, replace);
    } catch (...) {
        if (made_file) {
            // Nothing of the copy stays: the new file held the schema only.
            for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
                fs::remove(to + suffix, ec);
            }
        }
        throw;
    }
}

std::optional<Error> database_failure(const std::exception& e) { return store::database_failure(e); }

} // namespace opsctl::setup
