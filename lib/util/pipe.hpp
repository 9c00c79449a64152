#pragma once
// A bounded hand-over of batches from one producer thread to one consumer thread (bulk
// imports: one thread reads and checks rows while the other, which owns the database
// connection, writes them).

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace opsctl::util {

/// Batches of T from one producer to one consumer; at most `capacity` batches wait, so memory
/// stays bounded whatever the producer's input size.
template <typename T>
class BatchPipe {
  public:
    explicit BatchPipe(std::size_t capacity = 8) : m_capacity(capacity) {}

    /// Producer: hands a batch over, waiting while the pipe is full; false once the consumer
    /// stopped (the batch is dropped).
    bool push(std::vector<T>&& batch) {
        std::unique_lock lock(m_mutex);
        m_space.wait(lock, [&] { return m_queue.size() < m_capacity || m_stopped; });
        if (m_stopped) {
            return false;
        }
        m_queue.push_back(std::move(batch));
        m_ready.notify_one();
        return true;
    }
    /// Producer: no more batches will come.
    void close() {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        m_ready.notify_one();
    }
    /// Consumer: the next batch, waiting for it; false when the producer closed and all is taken.
    bool pop(std::vector<T>& batch) {
        std::unique_lock lock(m_mutex);
        m_ready.wait(lock, [&] { return !m_queue.empty() || m_closed; });
        if (m_queue.empty()) {
            return false;
        }
        batch = std::move(m_queue.front());
        m_queue.pop_front();
        m_space.notify_one();
        return true;
    }
    /// Runs `produce` (which pushes batches) on a new thread that closes the pipe when it
    /// returns; an exception it throws is kept in `failure`, to be rethrown after join().
    template <typename F>
    std::thread start_producer(F produce, std::exception_ptr& failure) {
        return std::thread([this, produce = std::move(produce), &failure]() mutable {
            try {
                produce();
            } catch (...) {
                failure = std::current_exception();
            }
            close();
        });
    }
    /// Consumer: gives up (on an error); the producer's pushes return false from now on.
    void stop() {
        std::lock_guard lock(m_mutex);
        m_stopped = true;
        m_queue.clear();
        m_space.notify_one();
    }

  private:
    std::size_t m_capacity;
    std::mutex m_mutex;
    std::condition_variable m_ready, m_space;
    std::deque<std::vector<T>> m_queue;
    bool m_closed = false;
    bool m_stopped = false;
};

} // namespace opsctl::util
