#pragma once
// A parsed policy file as a compact, read-only tree: what the section parsers read. Built once
// from yaml-cpp's nodes, or straight from the parse cache, where yaml-cpp's node memory (a
// shared pointer per node, maps of nodes) cost more than the parsers' own work. Positions are
// kept, so that a problem found in a cached tree still names file:line:col.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace opsctl::policy {

class Document;
struct DocumentData;
struct NodeEntry;
class NodeIterator;

/// One node of a Document: a scalar, a null, a sequence or a mapping; or undefined (a key a
/// mapping lacks). Valid while its Document lives (moving the Document keeps it valid).
class Node {
public:
    enum class Type : std::uint8_t { Undefined, Null, Scalar, Sequence, Map };

    Node() = default;

    Type type() const;
    bool is_defined() const { return type() != Type::Undefined; }
    bool is_null() const { return type() == Type::Null; }
    bool is_scalar() const { return type() == Type::Scalar; }
    bool is_sequence() const { return type() == Type::Sequence; }
    bool is_map() const { return type() == Type::Map; }
    /// The text of a scalar; empty for anything else.
    const std::string& scalar() const;
    /// The YAML tag ("?" for a plain scalar, "!" for a quoted one, "" when none).
    const std::string& tag() const;
    /// 1-based line and column where the node starts; 0 when unknown.
    int line() const;
    int column() const;
    /// Entries of a mapping, items of a sequence, 0 otherwise.
    std::size_t size() const;
    /// The value of the first entry whose key is the scalar `key`; undefined when there is
    /// none or this is not a mapping.
    Node operator[](std::string_view key) const;
    Node operator[](const std::string& key) const { return (*this)[std::string_view(key)]; }
    Node operator[](const char* key) const { return (*this)[std::string_view(key)]; }
    /// Item `i` of a sequence; undefined when out of range or not a sequence.
    Node operator[](std::size_t i) const;
    Node operator[](int i) const { return i < 0 ? Node() : (*this)[static_cast<std::size_t>(i)]; }
    /// Mapping entries (`it->first`, `it->second`) or sequence items (`*it`), in file order.
    NodeIterator begin() const;
    NodeIterator end() const;

private:
    friend class Document;
    friend class NodeIterator;
    Node(const DocumentData* doc, std::uint32_t index) : m_doc(doc), m_index(index) {}

    const DocumentData* m_doc = nullptr;
    std::uint32_t m_index = 0;
};

/// What a NodeIterator yields: a sequence item (the Node itself) or a mapping entry.
struct NodeEntry : Node {
    Node first;
    Node second;
};

/// Walks a mapping's entries or a sequence's items.
class NodeIterator {
public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = NodeEntry;
    using difference_type = std::ptrdiff_t;
    using pointer = const NodeEntry*;
    using reference = const NodeEntry&;

    NodeIterator() = default;
    const NodeEntry& operator*() const { return m_entry; }
    const NodeEntry* operator->() const { return &m_entry; }
    NodeIterator& operator++();
    NodeIterator operator++(int) {
        NodeIterator old = *this;
        ++*this;
        return old;
    }
    bool operator==(const NodeIterator& other) const { return m_pos == other.m_pos; }
    bool operator!=(const NodeIterator& other) const { return m_pos != other.m_pos; }

private:
    friend class Node;
    NodeIterator(const DocumentData* doc, const std::uint32_t* pos, const std::uint32_t* end, bool map);
    void load();

    const DocumentData* m_doc = nullptr;
    const std::uint32_t* m_pos = nullptr;
    const std::uint32_t* m_end = nullptr;
    bool m_map = false;
    NodeEntry m_entry;
};

/// The tree of one policy file.
class Document {
public:
    /// Largest tree kept, in nodes (after aliases are expanded): a policy file is a page of
    /// settings, and an alias bomb must not expand without bound.
    static constexpr std::size_t k_max_nodes = 100000;
    /// Deepest nesting kept.
    static constexpr int k_max_depth = 64;

    /// The tree of a node yaml-cpp parsed; nullopt when larger or deeper than the limits.
    static std::optional<Document> from_yaml(const YAML::Node& root);
    /// The tree back from encode()'s bytes; nullopt when they are damaged.
    static std::optional<Document> decode(std::string_view bytes);
    /// The tree as bytes (positions included), for the parse cache.
    std::string encode() const;
    /// The root node.
    Node root() const;

    Document();
    ~Document();
    Document(Document&&) noexcept;
    Document& operator=(Document&&) noexcept;

private:
    std::unique_ptr<DocumentData> m_data;
};

} // namespace opsctl::policy
