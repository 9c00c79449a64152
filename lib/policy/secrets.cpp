#include "lib/policy/secrets.hpp"

#include "lib/util/secret.hpp"

#include <fmt/format.h>

namespace opsctl::policy {

namespace {

// The words of a /bin/sh command line, with quotes removed: close enough to find
// "--password=x" or "Authorization: Bearer x" in it.
std::vector<std::string> shell_words(const std::string& line) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    char quote = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quote) {
            if (c == quote) {
                quote = 0;
            } else {
                word += c;
            }
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == '\\' && i + 1 < line.size()) {
            word += line[++i];
            in_word = true;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '|' || c == '&') {
            if (in_word) {
                words.push_back(std::move(word));
                word.clear();
                in_word = false;
            }
        } else {
            word += c;
            in_word = true;
        }
    }
    if (in_word) {
        words.push_back(std::move(word));
    }
    return words;
}

void scan_argv(std::vector<WrittenSecret>& out, const Origin& where, const std::string& subject,
               const std::vector<std::string>& argv) {
    for (std::size_t i = 0; i < argv.size(); ++i) {
        if (auto why = util::secret_like(argv[i], i > 0 ? std::string_view(argv[i - 1]) : std::string_view())) {
            out.push_back({where, fmt::format("{} argument {}: {}", subject, i + 1, *why)});
        }
    }
}

} // namespace

std::vector<WrittenSecret> written_secrets(const Policy& policy) {
    std::vector<WrittenSecret> out;
    for (const auto& [name, hook] : policy.notify.hooks) {
        scan_argv(out, hook.origin, fmt::format("notify hook '{}'", name), hook.command);
    }
    for (const auto& [list, c] : policy.checklists.checklists) {
        for (const auto& item : c.items) {
            const std::string subject = fmt::format("item '{}' of checklist '{}'", item.name, list);
            if (item.shell && !item.command.empty()) {
                scan_argv(out, item.origin, subject, shell_words(item.command.front()));
            } else {
                scan_argv(out, item.origin, subject, item.command);
            }
            if (!item.url.empty()) {
                if (auto why = util::secret_like(item.url)) {
                    out.push_back({item.origin, fmt::format("{} url: {}", subject, *why)});
                }
            }
        }
    }
    for (const auto& [name, job] : policy.backups.jobs) {
        scan_argv(out, job.origin, fmt::format("backup job '{}'", name), job.command);
    }
    if (policy.site.database) {
        if (auto why = util::secret_like(*policy.site.database)) {
            out.push_back({policy.site.origin, fmt::format("site database: {}", *why)});
        }
    }
    return out;
}

} // namespace opsctl::policy
