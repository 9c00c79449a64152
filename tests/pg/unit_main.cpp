// The store's unit tests (tests/unit/test_store_*.cpp) run again on PostgreSQL: the same
// cases, with test::open_test_database() making a database in the fixture's cluster. Without
// a cluster the run skips (exit 77), saying why.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "tests/unit/test_store_fixture.hpp"

#include <cstdio>

int main(int argc, char** argv) {
    const auto& cluster = opsctl::test::pg_cluster();
    if (!cluster.skip.empty()) {
        std::printf("SKIP: %s\n", cluster.skip.c_str());
        return 77;
    }
    doctest::Context context(argc, argv);
    return context.run();
}
