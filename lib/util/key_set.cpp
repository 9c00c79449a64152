#include "lib/util/key_set.hpp"

#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>

namespace opsctl::util {

namespace {

constexpr std::size_t k_first_slots = 1024; // a power of two

std::size_t hash_of(std::string_view key) { return std::hash<std::string_view>{}(key); }

// A 64-bit mix (splitmix64's finaliser): ids are dense, so their low bits alone would cluster.
std::size_t hash_of(std::uint64_t v) {
    v ^= v >> 30;
    v *= 0xbf58476d1ce4e5b9ULL;
    v ^= v >> 27;
    v *= 0x94d049bb133111ebULL;
    v ^= v >> 31;
    return static_cast<std::size_t>(v);
}

} // namespace

std::string_view KeyLines::key_at(std::uint64_t offset) const {
    std::uint32_t length = 0;
    std::memcpy(&length, m_keys.data() + offset - 1, sizeof length);
    return std::string_view(m_keys).substr(offset - 1 + sizeof length, length);
}

std::size_t KeyLines::find(std::string_view key, std::size_t hash) const {
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        const Slot& s = m_slots[i];
        if (s.offset == 0 || key_at(s.offset) == key) {
            return i;
        }
    }
}

void KeyLines::grow() {
    std::vector<Slot> old(m_slots.empty() ? k_first_slots : m_slots.size() * 2);
    old.swap(m_slots);
    const std::size_t mask = m_slots.size() - 1;
    for (const Slot& s : old) {
        if (s.offset == 0) {
            continue;
        }
        std::size_t i = hash_of(key_at(s.offset)) & mask;
        while (m_slots[i].offset != 0) {
            i = (i + 1) & mask;
        }
        m_slots[i] = s;
    }
}

std::uint64_t KeyLines::add(std::string_view key, std::uint64_t line) {
    if (line == 0) {
        throw std::invalid_argument("KeyLines::add: line 0");
    }
    if (key.size() > std::numeric_limits<std::uint32_t>::max()) {
        throw std::length_error("KeyLines::add: key too long");
    }
    if ((m_size + 1) * 2 > m_slots.size()) {
        grow();
    }
    const std::size_t i = find(key, hash_of(key));
    if (m_slots[i].offset != 0) {
        return m_slots[i].line;
    }
    const auto length = static_cast<std::uint32_t>(key.size());
    m_slots[i].offset = m_keys.size() + 1;
    m_slots[i].line = line;
    m_keys.append(reinterpret_cast<const char*>(&length), sizeof length);
    m_keys.append(key);
    ++m_size;
    return 0;
}

std::uint64_t KeyLines::line_of(std::string_view key) const {
    if (m_size == 0) {
        return 0;
    }
    return m_slots[find(key, hash_of(key))].line;
}

std::size_t IntSet::find(std::uint64_t stored) const {
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = hash_of(stored) & mask;; i = (i + 1) & mask) {
        if (m_slots[i] == 0 || m_slots[i] == stored) {
            return i;
        }
    }
}

void IntSet::grow() {
    std::vector<std::uint64_t> old(m_slots.empty() ? k_first_slots : m_slots.size() * 2);
    old.swap(m_slots);
    for (std::uint64_t v : old) {
        if (v != 0) {
            m_slots[find(v)] = v;
        }
    }
}

bool IntSet::insert(std::int64_t value) {
    if (value == -1) {
        const bool fresh = !m_has_minus_one;
        m_has_minus_one = true;
        m_size += fresh ? 1 : 0;
        return fresh;
    }
    if ((m_size + 1) * 2 > m_slots.size()) {
        grow();
    }
    const std::uint64_t stored = static_cast<std::uint64_t>(value) + 1;
    const std::size_t i = find(stored);
    if (m_slots[i] != 0) {
        return false;
    }
    m_slots[i] = stored;
    ++m_size;
    return true;
}

bool IntSet::contains(std::int64_t value) const {
    if (value == -1) {
        return m_has_minus_one;
    }
    if (m_slots.empty()) {
        return false;
    }
    return m_slots[find(static_cast<std::uint64_t>(value) + 1)] != 0;
}

} // namespace opsctl::util
