#include "lib/access/identity.hpp"
#include "lib/core/error.hpp"
#include "lib/policy/access.hpp"

#include <doctest/doctest.h>

using namespace opsctl;

TEST_CASE("permission patterns") {
    SUBCASE("every permission is granted by itself, '*' and its group") {
        for (const auto& k : policy::permission_kinds()) {
            const std::string name(k.name);
            CHECK(policy::unmatched_permission_hint(name).empty());
            CHECK(policy::permission_pattern_matches("*", name));
            CHECK(policy::permission_pattern_matches(name.substr(0, name.find('.')) + ".*", name));
        }
    }
    SUBCASE("a prefix grants only its own group") {
        CHECK_FALSE(policy::permission_pattern_matches("ticket.*", "asset.retire"));
        CHECK_FALSE(policy::permission_pattern_matches("ticket.cl", "ticket.close"));
        CHECK_FALSE(policy::permission_pattern_matches("tick*", "ticket.close"));
    }
    SUBCASE("a pattern that grants nothing gets the nearest permission") {
        CHECK(policy::unmatched_permission_hint("ticket.aprove") ==
              "did you mean 'ticket.approve'?");
        CHECK(policy::unmatched_permission_hint("tickets.*") == "did you mean 'ticket.*'?");
        CHECK_FALSE(policy::unmatched_permission_hint("zzz.qqq").empty());
    }
}

TEST_CASE("who holds a permission") {
    policy::Policy p;
    policy::Person desk;
    desk.id = "wangfang";
    desk.roles = {"服务台"};
    policy::Person left = desk;
    left.id = "old";
    left.active = false;
    p.people = {{"wangfang", desk}, {"old", left}};
    SUBCASE("without roles everyone may do everything, and nothing is bound") {
        CHECK(access::person_can(p, desk, "asset.retire"));
        CHECK_FALSE(access::binds_logins(p));
        CHECK(access::who_can(p, "asset.retire") == std::vector<std::string>{"wangfang"});
    }
    SUBCASE("with roles, only what a role grants") {
        policy::Role role;
        role.name = "服务台";
        role.permissions = {"ticket.*"};
        p.access.roles.emplace(role.name, role);
        CHECK(access::person_can(p, desk, "ticket.close"));
        CHECK_FALSE(access::person_can(p, desk, "asset.retire"));
        CHECK(access::granting_roles(p, desk, "ticket.close") ==
              std::vector<std::string>{"服务台"});
        CHECK(access::who_can(p, "asset.retire").empty());
    }
    SUBCASE("an open policy's actor may do everything") {
        access::Actor a;
        a.name = "anyone";
        CHECK(access::permits(p, a, "backup.restore"));
        CHECK_NOTHROW(access::require(p, a, "backup.restore"));
    }
    SUBCASE("a bound account that is no person may not write") {
        access::Actor a;
        a.bound = true;
        a.name = a.account = "mallory";
        a.refusal = "OS account 'mallory' is no person of the policy";
        CHECK_FALSE(access::permits(p, a, "ticket.comment"));
        CHECK_THROWS_AS(access::require(p, a, "ticket.comment"), NotPermitted);
    }
}
