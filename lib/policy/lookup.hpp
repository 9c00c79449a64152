#pragma once
// Checking a name that a user gave (a filter or option value) against the names the policy
// defines: one rule and one exit status (65, DataError) for every command group.

#include "lib/policy/policy.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace opsctl::policy {

/// Throws DataError "no <noun> 'value'" with a did-you-mean (or the known names) unless
/// `value` is one of the names of `kind` (a policy_names() kind: "people", "teams",
/// "ticket-states", "ticket-types", "priorities", "asset-classes", "locations",
/// "checklists", "backups", "rotations", "shifts", "complaint-types", "maintenance-kinds").
/// Kinds that the policy may leave open ("locations", "complaint-types") accept anything
/// when the policy lists none. A kind whose section the policy did not load is not checked.
void require_name(const Policy& policy, const std::string& kind, const std::string& value);
/// require_name for each value.
void require_names(const Policy& policy, const std::string& kind, const std::vector<std::string>& values);
/// The same rule for a fixed set of words (built-in statuses, kinds): DataError
/// "no <noun> 'value'" with a suggestion unless `value` is in `known`.
void require_one_of(std::string_view noun, const std::string& value, const std::vector<std::string>& known);

/// A person named in a spreadsheet by id or by display name ("lina" or "李娜"): the id, or
/// nullopt with `problem` set when no one, or more than one person, has that name.
std::optional<std::string> person_id_by_name(const Policy& policy, const std::string& text, std::string& problem);
/// An asset class named by id or label ("pc" or "电脑"): the id, or nullopt with `problem`
/// set when no class, or more than one, has that label.
std::optional<std::string> class_id_by_label(const Policy& policy, const std::string& text, std::string& problem);

} // namespace opsctl::policy
