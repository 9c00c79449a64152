#pragma once
// {{name}} placeholders filled from data, where the data must stay data: shell-quoted in a
// /bin/sh command line, one whole argument in an argv, and refused when it starts with '-'
// or holds a control character, unless the placeholder says otherwise:
//   {{asset.address|allow-dash}}     a value may start with '-'
//   {{asset.note|allow-control}}     a value may hold control characters (never NUL)
// The one place where opsctl turns data into (part of) a command.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace opsctl::util {

/// Where an expanded template goes, which decides how each value is placed.
enum class TemplateUse {
    text,     // read by people (a title): values as they are, never refused
    argument, // one argument of an argv, or a probe's path/host/URL: values as they are, refused when unsafe
    shell,    // a /bin/sh command line: each value shell-quoted, refused when unsafe
};

/// One {{...}}: the name and what its filters allow.
struct Placeholder {
    std::string name;
    bool allow_dash = false;
    bool allow_control = false;
};

/// A value that was not substituted because it is unsafe where it would go.
struct RefusedValue {
    std::string name;   // the placeholder name, e.g. "asset.address"
    std::string reason; // e.g. "starts with '-'"
};

/// The result of filling a template.
struct Expansion {
    std::string text;
    std::vector<std::string> missing;  // names without a value (left out of `text`)
    std::vector<RefusedValue> refused; // values left out of `text` because they are unsafe
    bool ok() const { return missing.empty() && refused.empty(); }
};

/// The value as exactly one POSIX shell word: in single quotes, each ' written as '\''.
std::string shell_quote(std::string_view value);

/// Why `value` may not be substituted into a command ("starts with '-'", "holds a control
/// character (U+000A)", "holds a NUL byte", "is not valid UTF-8"), or nullopt when it may.
/// C0 controls, DEL and C1 controls count as control characters; NUL is always refused.
std::optional<std::string> unsafe_template_value(std::string_view value, bool allow_dash, bool allow_control);

/// Parses the text between "{{" and "}}" ("name", " name | allow-dash "); nullopt with
/// `problem` set for an empty name or an unknown filter.
std::optional<Placeholder> parse_placeholder(std::string_view inner, std::string& problem);

/// Replaces every {{name}} in `text` with vars[name] placed as `use` says. "{{" without a
/// closing "}}" is kept as it is. Never throws for data.
Expansion expand_template(std::string_view text, const std::map<std::string, std::string>& vars, TemplateUse use);

/// What is wrong with the placeholders of a template, for policy validation: empty names,
/// unknown filters, and in a shell command placeholders where quoting cannot protect the
/// value (inside '...' or "...", after a backslash, after a here-document '<<').
std::vector<std::string> template_problems(std::string_view text, TemplateUse use);

/// True when `text` holds at least one "{{".
bool has_placeholder(std::string_view text);

} // namespace opsctl::util
