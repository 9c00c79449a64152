#pragma once
// The `sla` section: response and resolution targets per ticket type and priority.

#include "lib/core/duration.hpp"
#include "lib/policy/origin.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::policy {

/// What an SLA target is measured on.
enum class SlaClockKind { business, around_the_clock };

/// One escalation step: when a clock has used `at` of its target, notify and maybe reassign.
struct Escalation {
    double at = 1.0;           // share of the target, 0.75 for "75%"
    std::string reassign_to;   // a person id, or empty
    std::string reassign_team; // a team name, or empty (the on-duty / least-loaded member takes it)
    Origin origin;
};

/// A rule matched on type and priority (an empty list matches any).
struct SlaRule {
    std::string name;
    std::vector<std::string> types;
    std::vector<std::string> priorities;
    std::optional<core::Duration> response;   // first response target
    std::optional<core::Duration> resolution; // resolution target
    SlaClockKind clock = SlaClockKind::business;
    std::vector<Escalation> escalations;
    Origin origin;

    /// True when the rule applies to a ticket of this type and priority.
    bool matches(const std::string& type, const std::string& priority) const;
};

/// Validated `sla` policy: rules in policy order, the first match wins.
struct SlaPolicy {
    std::vector<SlaRule> rules;

    std::size_t count() const { return rules.size(); }
    /// The first rule that applies, or nullptr when none does (no targets).
    const SlaRule* match(const std::string& type, const std::string& priority) const;
};

/// "business" or "24x7".
const char* to_string(SlaClockKind kind);

} // namespace opsctl::policy
