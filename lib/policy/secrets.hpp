#pragma once
// Secrets written out in a policy (a token in a hook's URL, a password argument): found so
// that `policy check` can warn when the file that holds one is readable by others.

#include "lib/policy/policy.hpp"

#include <string>
#include <vector>

namespace opsctl::policy {

/// One value that looks like a secret, where it was written and what it looks like
/// (never the value itself).
struct WrittenSecret {
    Origin where;     // the hook, item, job or site setting that holds it
    std::string what; // e.g. "notify hook 'dingtalk' argument 3: a URL with an 'access_token' parameter"
};

/// Every value of the loaded sections that looks like a secret (util::secret_like): notify
/// hook commands, checklist commands and URLs, backup commands, the site's database setting.
std::vector<WrittenSecret> written_secrets(const Policy& policy);

} // namespace opsctl::policy
