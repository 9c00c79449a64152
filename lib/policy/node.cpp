#include "lib/policy/node.hpp"

#include <bit>
#include <cstring>

namespace opsctl::policy {

// Every node is an item; a node's children are a run of item indices in `children` (two per
// mapping entry: key, value). Children always come after their parent and each item but the
// root has exactly one parent, which decode() checks: a damaged cache entry can neither loop
// nor share a subtree many times over.
struct DocumentData {
    struct Item {
        Node::Type type = Node::Type::Undefined;
        std::uint32_t line = 0;
        std::uint32_t column = 0;
        std::uint32_t tag = 0;   // index into strings
        std::uint32_t text = 0;  // index into strings (scalars; 0, the empty string, otherwise)
        std::uint32_t first = 0; // first child in children
        std::uint32_t count = 0; // sequence items, or mapping entries
    };
    std::vector<Item> items;
    std::vector<std::uint32_t> children;
    std::vector<std::string> strings{std::string()};

    std::uint32_t child_slots(const Item& item) const {
        return item.type == Node::Type::Map ? 2 * item.count : item.type == Node::Type::Sequence ? item.count : 0;
    }
};

namespace {

const std::string k_empty;

constexpr std::string_view k_format = "opsctl-policy-node 1\n";
// Lines and columns beyond this are not from a policy file of at most 4 MiB.
constexpr std::uint32_t k_max_position = 1u << 23;

void put_u32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) {
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    }
}

class Input {
public:
    explicit Input(std::string_view bytes) : m_bytes(bytes) {}
    bool done() const { return m_pos == m_bytes.size(); }
    bool u32(std::uint32_t& v) {
        if (m_bytes.size() - m_pos < 4) {
            return false;
        }
        // Little-endian, as put_u32 writes; one load where the machine is little-endian too.
        if constexpr (std::endian::native == std::endian::little) {
            std::memcpy(&v, m_bytes.data() + m_pos, 4);
        } else {
            v = 0;
            for (int i = 0; i < 4; ++i) {
                v |= std::uint32_t(static_cast<unsigned char>(m_bytes[m_pos + i])) << (8 * i);
            }
        }
        m_pos += 4;
        return true;
    }
    bool text(std::string& s) {
        std::uint32_t n = 0;
        if (!u32(n) || m_bytes.size() - m_pos < n) {
            return false;
        }
        s.assign(m_bytes.data() + m_pos, n);
        m_pos += n;
        return true;
    }
    bool byte(std::uint8_t& v) {
        if (m_pos >= m_bytes.size()) {
            return false;
        }
        v = static_cast<std::uint8_t>(m_bytes[m_pos++]);
        return true;
    }
    bool literal(std::string_view s) {
        if (m_bytes.substr(m_pos, s.size()) != s) {
            return false;
        }
        m_pos += s.size();
        return true;
    }

private:
    std::string_view m_bytes;
    std::size_t m_pos = 0;
};

// Builds a DocumentData from yaml-cpp nodes, expanding aliases, within the limits.
class Builder {
public:
    explicit Builder(DocumentData& d) : m_d(d) {}

    bool add(const YAML::Node& node, int depth) {
        if (depth > Document::k_max_depth || m_d.items.size() >= Document::k_max_nodes) {
            return false;
        }
        const auto index = static_cast<std::uint32_t>(m_d.items.size());
        DocumentData::Item item;
        if (const YAML::Mark mark = node.Mark(); !mark.is_null()) {
            item.line = static_cast<std::uint32_t>(mark.line + 1);
            item.column = static_cast<std::uint32_t>(mark.column + 1);
        }
        item.tag = tag(node.Tag());
        switch (node.Type()) {
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            item.type = Node::Type::Null;
            break;
        case YAML::NodeType::Scalar:
            item.type = Node::Type::Scalar;
            item.text = static_cast<std::uint32_t>(m_d.strings.size());
            m_d.strings.push_back(node.Scalar());
            break;
        case YAML::NodeType::Sequence:
            item.type = Node::Type::Sequence;
            item.count = static_cast<std::uint32_t>(node.size());
            break;
        case YAML::NodeType::Map:
            item.type = Node::Type::Map;
            item.count = static_cast<std::uint32_t>(node.size());
            break;
        }
        item.first = static_cast<std::uint32_t>(m_d.children.size());
        const std::uint32_t slots = m_d.child_slots(item);
        if (m_d.children.size() + slots > 2 * Document::k_max_nodes) {
            return false;
        }
        m_d.items.push_back(item);
        m_d.children.resize(m_d.children.size() + slots);
        // Children are added after the slots were taken, so that the slots stay one run.
        std::uint32_t slot = item.first;
        if (item.type == Node::Type::Sequence) {
            for (const auto& child : node) {
                m_d.children[slot++] = static_cast<std::uint32_t>(m_d.items.size());
                if (!add(child, depth + 1)) {
                    return false;
                }
            }
        } else if (item.type == Node::Type::Map) {
            for (auto it = node.begin(); it != node.end(); ++it) {
                m_d.children[slot++] = static_cast<std::uint32_t>(m_d.items.size());
                if (!add(it->first, depth + 1)) {
                    return false;
                }
                m_d.children[slot++] = static_cast<std::uint32_t>(m_d.items.size());
                if (!add(it->second, depth + 1)) {
                    return false;
                }
            }
        }
        return slot == item.first + slots && index < m_d.items.size();
    }

private:
    // A file has a handful of distinct tags ("?", "!", ""): each is stored once.
    std::uint32_t tag(const std::string& text) {
        if (text.empty()) {
            return 0;
        }
        for (const auto index : m_tags) {
            if (m_d.strings[index] == text) {
                return index;
            }
        }
        const auto index = static_cast<std::uint32_t>(m_d.strings.size());
        m_d.strings.push_back(text);
        m_tags.push_back(index);
        return index;
    }

    DocumentData& m_d;
    std::vector<std::uint32_t> m_tags;
};

} // namespace

Node::Type Node::type() const { return m_doc ? m_doc->items[m_index].type : Type::Undefined; }

const std::string& Node::scalar() const { return m_doc ? m_doc->strings[m_doc->items[m_index].text] : k_empty; }

const std::string& Node::tag() const { return m_doc ? m_doc->strings[m_doc->items[m_index].tag] : k_empty; }

int Node::line() const { return m_doc ? static_cast<int>(m_doc->items[m_index].line) : 0; }

int Node::column() const { return m_doc ? static_cast<int>(m_doc->items[m_index].column) : 0; }

std::size_t Node::size() const {
    if (!m_doc) {
        return 0;
    }
    const auto& item = m_doc->items[m_index];
    return item.type == Type::Map || item.type == Type::Sequence ? item.count : 0;
}

Node Node::operator[](std::string_view key) const {
    if (!m_doc || m_doc->items[m_index].type != Type::Map) {
        return Node();
    }
    const auto& item = m_doc->items[m_index];
    const std::uint32_t* child = m_doc->children.data() + item.first;
    for (std::uint32_t i = 0; i < item.count; ++i, child += 2) {
        const auto& k = m_doc->items[child[0]];
        if (k.type == Type::Scalar && m_doc->strings[k.text] == key) {
            return Node(m_doc, child[1]);
        }
    }
    return Node();
}

Node Node::operator[](std::size_t i) const {
    if (!m_doc || m_doc->items[m_index].type != Type::Sequence || i >= m_doc->items[m_index].count) {
        return Node();
    }
    return Node(m_doc, m_doc->children[m_doc->items[m_index].first + i]);
}

NodeIterator Node::begin() const {
    if (!m_doc) {
        return NodeIterator();
    }
    const auto& item = m_doc->items[m_index];
    const std::uint32_t* first = m_doc->children.data() + item.first;
    return NodeIterator(m_doc, first, first + m_doc->child_slots(item), item.type == Type::Map);
}

NodeIterator Node::end() const {
    if (!m_doc) {
        return NodeIterator();
    }
    const auto& item = m_doc->items[m_index];
    const std::uint32_t* last = m_doc->children.data() + item.first + m_doc->child_slots(item);
    return NodeIterator(m_doc, last, last, item.type == Type::Map);
}

NodeIterator::NodeIterator(const DocumentData* doc, const std::uint32_t* pos, const std::uint32_t* end, bool map)
    : m_doc(doc), m_pos(pos), m_end(end), m_map(map) {
    load();
}

void NodeIterator::load() {
    if (m_pos == m_end) {
        m_entry = NodeEntry();
    } else if (m_map) {
        m_entry.first = Node(m_doc, m_pos[0]);
        m_entry.second = Node(m_doc, m_pos[1]);
    } else {
        static_cast<Node&>(m_entry) = Node(m_doc, m_pos[0]);
    }
}

NodeIterator& NodeIterator::operator++() {
    m_pos += m_map ? 2 : 1;
    load();
    return *this;
}

Document::Document() : m_data(std::make_unique<DocumentData>()) {}
Document::~Document() = default;
Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;

Node Document::root() const { return m_data && !m_data->items.empty() ? Node(m_data.get(), 0) : Node(); }

std::optional<Document> Document::from_yaml(const YAML::Node& root) {
    Document doc;
    if (!Builder(*doc.m_data).add(root, 0)) {
        return std::nullopt;
    }
    return doc;
}

std::string Document::encode() const {
    const DocumentData& d = *m_data;
    std::string out(k_format);
    put_u32(out, static_cast<std::uint32_t>(d.strings.size()));
    put_u32(out, static_cast<std::uint32_t>(d.items.size()));
    put_u32(out, static_cast<std::uint32_t>(d.children.size()));
    for (const auto& s : d.strings) {
        put_u32(out, static_cast<std::uint32_t>(s.size()));
        out += s;
    }
    for (const auto& item : d.items) {
        out.push_back(static_cast<char>(item.type));
        put_u32(out, item.line);
        put_u32(out, item.column);
        put_u32(out, item.tag);
        put_u32(out, item.text);
        put_u32(out, item.first);
        put_u32(out, item.count);
    }
    for (const auto c : d.children) {
        put_u32(out, c);
    }
    return out;
}

std::optional<Document> Document::decode(std::string_view bytes) {
    Input in(bytes);
    std::uint32_t n_strings = 0, n_items = 0, n_children = 0;
    if (!in.literal(k_format) || !in.u32(n_strings) || !in.u32(n_items) || !in.u32(n_children) || n_strings == 0 ||
        n_items == 0 || n_items > k_max_nodes || n_strings > 2 * std::uint64_t(n_items) + 1 ||
        n_children > 2 * std::uint64_t(k_max_nodes)) {
        return std::nullopt;
    }
    // Each string, item and child takes at least 4 bytes: counts beyond what the bytes can
    // hold are refused before anything is allocated for them.
    if ((std::uint64_t(n_strings) + n_items + n_children) * 4 > bytes.size()) {
        return std::nullopt;
    }
    Document doc;
    DocumentData& d = *doc.m_data;
    d.strings.resize(n_strings);
    for (auto& s : d.strings) {
        if (!in.text(s)) {
            return std::nullopt;
        }
    }
    if (!d.strings[0].empty()) {
        return std::nullopt;
    }
    d.items.resize(n_items);
    for (auto& item : d.items) {
        std::uint8_t type = 0;
        if (!in.byte(type) || !in.u32(item.line) || !in.u32(item.column) || !in.u32(item.tag) || !in.u32(item.text) ||
            !in.u32(item.first) || !in.u32(item.count)) {
            return std::nullopt;
        }
        if (type < static_cast<std::uint8_t>(Node::Type::Null) || type > static_cast<std::uint8_t>(Node::Type::Map) ||
            item.tag >= n_strings || item.text >= n_strings || item.line > k_max_position ||
            item.column > k_max_position) {
            return std::nullopt;
        }
        item.type = static_cast<Node::Type>(type);
        if (item.type != Node::Type::Scalar && item.text != 0) {
            return std::nullopt;
        }
        if (item.type != Node::Type::Map && item.type != Node::Type::Sequence && item.count != 0) {
            return std::nullopt;
        }
        if (std::uint64_t(item.first) + d.child_slots(item) > n_children || item.count > n_children) {
            return std::nullopt;
        }
    }
    d.children.resize(n_children);
    for (auto& c : d.children) {
        if (!in.u32(c) || c == 0 || c >= n_items) {
            return std::nullopt;
        }
    }
    if (!in.done()) {
        return std::nullopt;
    }
    // A tree: every item but the root has one parent, which comes before it; depths stay
    // within the limit.
    std::vector<std::uint8_t> parents(n_items, 0);
    std::vector<std::uint8_t> depth(n_items, 0);
    for (std::uint32_t i = 0; i < n_items; ++i) {
        const auto& item = d.items[i];
        if (i > 0 && parents[i] != 1) {
            return std::nullopt;
        }
        const std::uint32_t slots = d.child_slots(item);
        for (std::uint32_t k = item.first; k < item.first + slots; ++k) {
            const std::uint32_t c = d.children[k];
            if (c <= i || parents[c] || depth[i] >= k_max_depth) {
                return std::nullopt;
            }
            parents[c] = 1;
            depth[c] = static_cast<std::uint8_t>(depth[i] + 1);
        }
    }
    return doc;
}

} // namespace opsctl::policy
