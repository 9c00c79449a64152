#pragma once
// One way for the store's unit tests to get a database: a fresh, migrated file in a
// temporary folder, opened through the driver interface (store::Database::open). The
// PostgreSQL run of the same tests (opsctl_unit_tests_pg, built with OPSCTL_TEST_POSTGRES)
// changes open_test_database() only: each case gets its own database, made from the
// cluster's migrated template (tests/pg/cluster.sh) and dropped when the case ends.

#include "lib/store/database.hpp"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <unistd.h>

namespace opsctl::test {

#ifdef OPSCTL_TEST_POSTGRES
/// The cluster the fixture started: its socket folder and server binaries, from the state
/// file $OPSCTL_PG_STATE names ("" when there is none; `skip` then says why).
struct PgCluster {
    std::string host;
    std::string bin;
    std::string skip;
};

inline const PgCluster& pg_cluster() {
    static const PgCluster cluster = [] {
        PgCluster c;
        const char* state = std::getenv("OPSCTL_PG_STATE");
        std::ifstream in(state ? state : "");
        if (!in) {
            c.skip = "no PostgreSQL cluster (run through ctest, which starts one as root)";
            return c;
        }
        // NAME=value lines, written with printf %q: the values used here have no quoting.
        std::string line;
        while (std::getline(in, line)) {
            const auto eq = line.find('=');
            const std::string key = line.substr(0, eq);
            const std::string value = eq == std::string::npos ? "" : line.substr(eq + 1);
            if (key == "OPSCTL_PG_HOST") {
                c.host = value;
            } else if (key == "OPSCTL_PG_BIN") {
                c.bin = value;
            } else if (key == "OPSCTL_PG_SKIP") {
                c.skip = value.empty() ? "no cluster" : value;
            }
        }
        return c;
    }();
    return cluster;
}

inline void pg_admin(const std::string& sql) {
    const auto& c = pg_cluster();
    const std::string command = "'" + c.bin + "/psql' -X -q -v ON_ERROR_STOP=1 -h '" + c.host +
                                "' -d postgres -c \"" + sql + "\" >/dev/null";
    if (std::system(command.c_str()) != 0) {
        throw std::runtime_error("psql failed: " + sql);
    }
}
#endif

/// A database for one test case, removed (with its folder) when the case ends.
struct TestDatabase {
    std::filesystem::path dir;
    std::string name; // PostgreSQL: the database's name
    std::unique_ptr<store::Database> db;

    TestDatabase() {
        static int serial = 0;
        ++serial;
        dir = std::filesystem::temp_directory_path() /
              ("opsctl-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(serial));
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
#ifdef OPSCTL_TEST_POSTGRES
        name = "unit_" + std::to_string(::getpid()) + "_" + std::to_string(serial);
        pg_admin("CREATE DATABASE " + name + " TEMPLATE opsctl_template");
#endif
        db = store::Database::open(location());
    }
    ~TestDatabase() {
        db.reset();
#ifdef OPSCTL_TEST_POSTGRES
        try {
            pg_admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (const std::exception&) {
            // Left for the cluster's removal at the end of the run.
        }
#endif
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;
    store::Database& operator*() { return *db; }
    /// What store::Database::open takes for this database: the file, or the URL.
    std::filesystem::path location() const {
#ifdef OPSCTL_TEST_POSTGRES
        return "postgresql:///" + name + "?host=" + pg_cluster().host;
#else
        return dir / "ops.db";
#endif
    }
};

/// The factory every test_store_*.cpp opens its database with.
inline std::unique_ptr<TestDatabase> open_test_database() { return std::make_unique<TestDatabase>(); }

} // namespace opsctl::test
