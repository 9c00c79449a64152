#include "lib/notify/notify.hpp"
#include "lib/policy/events.hpp"

#include <doctest/doctest.h>

using namespace opsctl;

TEST_CASE("notify event patterns") {
    SUBCASE("every documented kind is matched by itself, '*' and its group") {
        for (const auto& k : policy::event_kinds()) {
            const std::string kind(k.name);
            CHECK(policy::unmatched_event_hint(kind).empty());
            CHECK(notify::wants({"*"}, kind));
            CHECK(notify::wants({kind.substr(0, kind.find('.')) + ".*"}, kind));
        }
    }
    SUBCASE("a pattern that matches nothing gets the nearest kind") {
        CHECK(policy::unmatched_event_hint("sla.*") == "did you mean 'ticket.escalated'?");
        CHECK(policy::unmatched_event_hint("ticket.escalate") == "did you mean 'ticket.escalated'?");
        CHECK(policy::unmatched_event_hint("tickets.*") == "did you mean 'ticket.*'?");
        CHECK(policy::unmatched_event_hint("zzz.qqq").starts_with("known: ticket.created, "));
        CHECK_FALSE(notify::wants({"sla.*"}, "ticket.escalated"));
    }
}
