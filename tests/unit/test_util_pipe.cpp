#include "lib/util/pipe.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using opsctl::util::BatchPipe;

TEST_CASE("BatchPipe") {
    SUBCASE("every batch arrives, in order, and pop ends when the producer is done") {
        BatchPipe<int> pipe(2);
        std::exception_ptr failure;
        std::thread producer = pipe.start_producer(
            [&] {
                for (int b = 0; b < 100; ++b) {
                    CHECK(pipe.push({3 * b, 3 * b + 1, 3 * b + 2}));
                }
            },
            failure);
        std::vector<int> got, batch;
        while (pipe.pop(batch)) {
            got.insert(got.end(), batch.begin(), batch.end());
        }
        producer.join();
        CHECK_FALSE(failure);
        REQUIRE(got.size() == 300);
        for (int i = 0; i < 300; ++i) {
            CHECK(got[static_cast<std::size_t>(i)] == i);
        }
    }
    SUBCASE("a producer's exception reaches the consumer after what it pushed") {
        BatchPipe<int> pipe;
        std::exception_ptr failure;
        std::thread producer = pipe.start_producer(
            [&] {
                pipe.push({1, 2});
                throw std::runtime_error("line 3: bad row");
            },
            failure);
        std::vector<int> got, batch;
        while (pipe.pop(batch)) {
            got.insert(got.end(), batch.begin(), batch.end());
        }
        producer.join();
        CHECK(got == std::vector<int>{1, 2});
        REQUIRE(failure);
        CHECK_THROWS_WITH_AS(std::rethrow_exception(failure), "line 3: bad row", std::runtime_error);
    }
    SUBCASE("a consumer that stops releases a producer waiting on a full pipe") {
        BatchPipe<int> pipe(1);
        std::exception_ptr failure;
        int refused = 0;
        std::thread producer = pipe.start_producer(
            [&] {
                for (int b = 0; b < 50; ++b) {
                    if (!pipe.push({b})) {
                        ++refused;
                    }
                }
            },
            failure);
        std::vector<int> batch;
        REQUIRE(pipe.pop(batch));
        CHECK(batch == std::vector<int>{0});
        pipe.stop();
        producer.join(); // would hang if a push kept waiting for room
        CHECK(refused > 0);
        CHECK_FALSE(failure);
    }
}
