#pragma once
// Messages from templates: the policy's per event kind and language, else the defaults a team
// would keep (the ticket, its priority, the SLA left, the asset, the opsctl command to act),
// with every substituted value escaped for where it goes.

#include "lib/policy/notify.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace opsctl::notify {

/// How a channel reads a message's text.
enum class Format {
    markdown, // WeCom and DingTalk robots
    text,     // Feishu text messages, mail bodies, the JSON webhook
};

/// The format a channel of `type` reads.
Format format_of(const std::string& type);

/// A rendered message: a title (a mail's subject) and a text.
struct Message {
    std::string title;
    std::string text;
};

/// The values a template may name: the event's data ("id", "priority", "title", "checklist",
/// "job", ...) as text, and "kind", "site", "at", "action", "sla_left" and "command".
std::map<std::string, std::string> template_values(const std::string& kind, const nlohmann::json& data,
                                                   const std::string& site, const std::string& at_text,
                                                   std::int64_t now, const std::string& language);

/// The message for `kind` in `language`: the policy's template, else the default one, with each
/// value escaped for `format` (Markdown metacharacters and HTML; control characters as spaces
/// in a title, which must stay one line). Titles are at most 200 bytes, texts 3,500 (WeCom's
/// limit is 4,096), cut on a character boundary.
Message render(const policy::NotifyPolicy& policy, const std::string& kind, const std::string& language,
               Format format, const std::map<std::string, std::string>& values);

/// `value` with Markdown and HTML metacharacters escaped and control characters (CR, LF, tab
/// and the rest) as spaces: inert, on one line, in a robot's Markdown message.
std::string escape_markdown(std::string_view value);

/// `value` on one line: every control character (and invalid UTF-8) as a space.
std::string one_line(std::string_view value);

/// At most `max` bytes of `text`, cut before a UTF-8 character that would not fit, with "…"
/// appended when cut.
std::string cut(std::string_view text, std::size_t max);

} // namespace opsctl::notify
