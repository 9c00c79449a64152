#include "lib/policy/node.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <string>

using namespace opsctl;
using policy::Document;
using policy::Node;

namespace {

const char* k_text = R"(# comment
site:
  name: 测试站点
  timezone: Asia/Shanghai
people:
  zhangwei: {name: 张伟, teams: [ops, desk], phone: "13800000001"}
  lina:
    name: 李娜
    teams:
      - ops
    email: ~
    note:
    quoted: 'it''s'
  lina: {name: again}
base: &b [1, 2]
copy: *b
block: |
  line one
  line two
)";

// Same type, tag, text, position and children in the same order as yaml-cpp's tree.
bool same_tree(const YAML::Node& y, const Node& n) {
    const bool types_match = (y.IsNull() && n.is_null()) || (y.IsScalar() && n.is_scalar()) ||
                             (y.IsSequence() && n.is_sequence()) || (y.IsMap() && n.is_map());
    if (!types_match || y.Tag() != n.tag() || y.Mark().line + 1 != n.line() || y.Mark().column + 1 != n.column()) {
        return false;
    }
    if (y.IsScalar()) {
        return y.Scalar() == n.scalar();
    }
    if (y.size() != n.size()) {
        return false;
    }
    if (y.IsSequence()) {
        for (std::size_t i = 0; i < y.size(); ++i) {
            if (!same_tree(y[i], n[i])) {
                return false;
            }
        }
    }
    if (y.IsMap()) {
        auto in = n.begin();
        for (auto iy = y.begin(); iy != y.end(); ++iy, ++in) {
            if (!same_tree(iy->first, in->first) || !same_tree(iy->second, in->second)) {
                return false;
            }
        }
    }
    return true;
}

} // namespace

TEST_CASE("policy node trees") {
    const YAML::Node yaml = YAML::Load(k_text);
    auto doc = Document::from_yaml(yaml);
    REQUIRE(doc);

    SUBCASE("the tree is yaml-cpp's: types, tags, text, positions, repeated keys, aliases") {
        CHECK(same_tree(yaml, doc->root()));
        const Node people = doc->root()["people"];
        CHECK(people.size() == 3);
        CHECK(people["lina"]["name"].scalar() == "李娜"); // the first of a repeated key
        CHECK(people["lina"]["email"].is_null());
        CHECK(people["lina"]["note"].is_null());
        CHECK(people["lina"]["quoted"].scalar() == "it's");
        CHECK(people["zhangwei"]["phone"].tag() == "!");
        CHECK(people["zhangwei"]["teams"][1].scalar() == "desk");
        CHECK(doc->root()["copy"].size() == 2);
        CHECK(doc->root()["block"].scalar() == "line one\nline two\n");
        CHECK(people["lina"].line() == 8); // the value: the mapping under the key
        CHECK(people["lina"].column() == 5);
    }

    SUBCASE("absent keys and wrong kinds give undefined nodes, never a throw") {
        const Node root = doc->root();
        CHECK_FALSE(root["nope"].is_defined());
        CHECK_FALSE(root["nope"]["deeper"][3].is_defined());
        CHECK_FALSE(root["site"]["name"]["x"].is_defined()); // a scalar has no keys
        CHECK_FALSE(root["base"]["x"].is_defined());          // nor has a list
        CHECK_FALSE(root["base"][2].is_defined());
        CHECK_FALSE(root[0].is_defined());
        CHECK(root["nope"].scalar().empty());
        CHECK(root["nope"].size() == 0);
        CHECK(root["nope"].line() == 0);
        CHECK(root["nope"].begin() == root["nope"].end());
        CHECK(root["site"]["name"].begin() == root["site"]["name"].end());
    }

    SUBCASE("iteration walks entries and items in file order") {
        std::string keys;
        for (auto it = doc->root().begin(); it != doc->root().end(); ++it) {
            keys += it->first.scalar() + ",";
        }
        CHECK(keys == "site,people,base,copy,block,");
        std::string items;
        for (const auto& item : doc->root()["people"]["zhangwei"]["teams"]) {
            items += item.scalar() + ",";
        }
        CHECK(items == "ops,desk,");
    }

    SUBCASE("a moved document keeps its nodes valid") {
        const Node site = doc->root()["site"];
        Document moved = std::move(*doc);
        CHECK(site["timezone"].scalar() == "Asia/Shanghai");
        CHECK(moved.root()["site"]["name"].scalar() == "测试站点");
    }

    SUBCASE("encoded and decoded, the tree is the same") {
        const auto back = Document::decode(doc->encode());
        REQUIRE(back);
        CHECK(same_tree(yaml, back->root()));
        CHECK(back->encode() == doc->encode());
    }

    SUBCASE("damaged bytes are refused or decode to a well-formed tree, never half read") {
        const std::string bytes = doc->encode();
        for (std::size_t n = 0; n < bytes.size(); ++n) {
            CHECK_FALSE(Document::decode(bytes.substr(0, n)));
        }
        CHECK_FALSE(Document::decode(bytes + "x"));
        CHECK_FALSE(Document::decode(std::string(64, '\xff')));
        CHECK_FALSE(Document::decode(""));
        // Every byte changed in turn: a decoded tree can still be walked to the end (under
        // the sanitizers in CI this also checks that nothing is read out of bounds).
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            for (const unsigned char delta : {1, 0x80, 0xff}) {
                std::string damaged = bytes;
                damaged[i] = static_cast<char>(static_cast<unsigned char>(damaged[i]) + delta);
                if (auto d = Document::decode(damaged)) {
                    std::size_t seen = 0;
                    std::function<void(const Node&, int)> walk = [&](const Node& n, int depth) {
                        REQUIRE(depth <= Document::k_max_depth);
                        ++seen;
                        for (auto it = n.begin(); it != n.end(); ++it) {
                            if (n.is_map()) {
                                walk(it->first, depth + 1);
                                walk(it->second, depth + 1);
                            } else {
                                walk(*it, depth + 1);
                            }
                        }
                        (void)n.scalar();
                    };
                    walk(d->root(), 0);
                    CHECK(seen <= Document::k_max_nodes);
                }
            }
        }
    }

    SUBCASE("an alias bomb and deep nesting are refused") {
        std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n";
        for (int i = 1; i < 12; ++i) {
            bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
            for (int j = 0; j < 9; ++j) {
                bomb += (j ? ", *a" : "*a") + std::to_string(i - 1);
            }
            bomb += "]\n";
        }
        CHECK_FALSE(Document::from_yaml(YAML::Load(bomb)));
        // The root is at depth 0: k_max_depth + 1 nested lists are the most that is kept.
        const std::size_t most = Document::k_max_depth + 1;
        CHECK_FALSE(Document::from_yaml(YAML::Load(std::string(most + 1, '[') + std::string(most + 1, ']'))));
        const std::string ok = std::string(most, '[') + std::string(most, ']');
        CHECK(Document::from_yaml(YAML::Load(ok)));
    }
}
