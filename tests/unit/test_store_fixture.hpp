#pragma once
// One way for the store's unit tests to get a database: a fresh, migrated file in a
// temporary folder, opened through the driver interface (store::Database::open). The
// PostgreSQL driver's run of the same tests changes open_test_database() only.

#include "lib/store/database.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

namespace opsctl::test {

/// A database for one test case, removed with its folder when the case ends.
struct TestDatabase {
    std::filesystem::path dir;
    std::unique_ptr<store::Database> db;

    TestDatabase() {
        static int serial = 0;
        dir = std::filesystem::temp_directory_path() /
              ("opsctl-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(++serial));
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        db = store::Database::open(dir / "ops.db");
    }
    ~TestDatabase() {
        db.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;
    store::Database& operator*() { return *db; }
};

/// The factory every test_store_*.cpp opens its database with.
inline std::unique_ptr<TestDatabase> open_test_database() { return std::make_unique<TestDatabase>(); }

} // namespace opsctl::test
