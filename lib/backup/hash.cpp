#include "lib/backup/hash.hpp"

#include "lib/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

namespace opsctl::backup {

struct Sha256Pipeline::Shared {
    struct Item {
        Chunk* chunk = nullptr;        // data to hash, or
        std::string* digest = nullptr; // where the finished digest goes
    };
    std::mutex mutex;
    std::condition_variable work_cv; // the worker waits for items
    std::condition_variable done_cv; // the caller waits for free chunks or an empty queue
    std::deque<Item> queue;
    std::vector<std::unique_ptr<Chunk>> chunks;
    std::vector<Chunk*> free;
    bool busy = false;
    bool stop = false;
    Sha256 sha;
    std::thread worker;
};

Sha256Pipeline::Sha256Pipeline(std::size_t chunks, std::size_t chunk_size)
    : m_chunk_size(chunk_size), m_shared(std::make_unique<Shared>()) {
    for (std::size_t i = 0; i < std::max<std::size_t>(chunks, 1); ++i) {
        auto c = std::make_unique<Chunk>();
        c->data.resize(chunk_size);
        m_shared->free.push_back(c.get());
        m_shared->chunks.push_back(std::move(c));
    }
    m_shared->worker = std::thread([this] { work(); });
}

Sha256Pipeline::~Sha256Pipeline() {
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->stop = true;
    }
    m_shared->work_cv.notify_one();
    m_shared->worker.join();
}

void Sha256Pipeline::work() {
    Shared& s = *m_shared;
    std::unique_lock lock(s.mutex);
    while (true) {
        s.work_cv.wait(lock, [&] { return s.stop || !s.queue.empty(); });
        if (s.queue.empty()) {
            return; // stopping, and everything handed over has been hashed
        }
        const Shared::Item item = s.queue.front();
        s.queue.pop_front();
        s.busy = true;
        lock.unlock();
        if (item.chunk != nullptr) {
            s.sha.update(item.chunk->data.data(), item.chunk->size);
        } else {
            *item.digest = s.sha.hex();
        }
        lock.lock();
        s.busy = false;
        if (item.chunk != nullptr) {
            s.free.push_back(item.chunk);
        }
        s.done_cv.notify_all();
    }
}

Sha256Pipeline::Chunk* Sha256Pipeline::take() {
    std::unique_lock lock(m_shared->mutex);
    m_shared->done_cv.wait(lock, [&] { return !m_shared->free.empty(); });
    Chunk* c = m_shared->free.back();
    m_shared->free.pop_back();
    c->size = 0;
    return c;
}

void Sha256Pipeline::submit(Chunk* chunk) {
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->queue.push_back({chunk, nullptr});
    }
    m_shared->work_cv.notify_one();
}

void Sha256Pipeline::update(const void* data, std::size_t size) {
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
        Chunk* c = take();
        c->size = std::min(size, m_chunk_size);
        std::memcpy(c->data.data(), p, c->size);
        p += c->size;
        size -= c->size;
        submit(c);
    }
}

void Sha256Pipeline::finish(std::string* into) {
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->queue.push_back({nullptr, into});
    }
    m_shared->work_cv.notify_one();
}

void Sha256Pipeline::wait() {
    std::unique_lock lock(m_shared->mutex);
    m_shared->done_cv.wait(lock, [&] { return m_shared->queue.empty() && !m_shared->busy; });
}

FileDigest hash_file(const std::filesystem::path& path, const std::function<void(std::int64_t)>& progress) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw Failure(fmt::format("cannot read '{}': {}", path.string(), std::strerror(errno)));
    }
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    Sha256 sha;
    FileDigest d;
    // Large reads keep the per-call overhead far below the hashing cost.
    std::vector<char> buf(1 << 20);
    while (true) {
        const ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            const int e = errno;
            ::close(fd);
            throw Failure(fmt::format("cannot read '{}': {}", path.string(), std::strerror(e)));
        }
        if (n == 0) {
            break;
        }
        sha.update(buf.data(), static_cast<std::size_t>(n));
        d.size += n;
        if (progress) {
            progress(d.size);
        }
    }
    ::close(fd);
    d.sha256 = sha.hex();
    return d;
}

} // namespace opsctl::backup
