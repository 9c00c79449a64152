#pragma once
// Compact sets for bulk imports: the keys a file has named so far (tags, serials, sources,
// ids), kept in memory that grows by a few bytes per row plus the key's own bytes, so that a
// million-row import stays within its memory bound. A std::unordered_map<std::string,
// std::size_t> costs about 90 bytes per key before the key's characters.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace opsctl::util {

/// Strings, each with the line (or any non-zero number) that named it first. The keys are
/// copied into one growing buffer; the table holds 16 bytes per slot, at most half full.
class KeyLines {
  public:
    /// Adds `key` with `line` (not 0) unless it is there; returns 0 when it was added, else the
    /// line it was first added with.
    std::uint64_t add(std::string_view key, std::uint64_t line);
    /// The line `key` was added with, or 0.
    std::uint64_t line_of(std::string_view key) const;
    bool contains(std::string_view key) const { return line_of(key) != 0; }
    std::size_t size() const { return m_size; }

  private:
    struct Slot {
        std::uint64_t offset = 0; // of the key in m_keys, plus one; 0 for an empty slot
        std::uint64_t line = 0;
    };
    std::size_t find(std::string_view key, std::size_t hash) const; // the slot holding it, or an empty one
    std::string_view key_at(std::uint64_t offset) const;
    void grow();

    std::vector<Slot> m_slots;
    std::string m_keys; // each key as its length (4 bytes) and its bytes
    std::size_t m_size = 0;
};

/// 64-bit integers (ticket ids): 8 bytes a slot, at most half full.
class IntSet {
  public:
    /// Adds `value`; false when it was there already.
    bool insert(std::int64_t value);
    bool contains(std::int64_t value) const;
    std::size_t size() const { return m_size; }

  private:
    std::size_t find(std::uint64_t stored) const;
    void grow();

    std::vector<std::uint64_t> m_slots; // value + 1 in two's complement; 0 for an empty slot
    bool m_has_minus_one = false;       // -1's stored form would be 0: kept aside
    std::size_t m_size = 0;
};

} // namespace opsctl::util
