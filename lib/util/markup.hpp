#pragma once
// Text placed in HTML or XML (the review's HTML page, JUnit reports): data, never markup.

#include <string>
#include <string_view>

namespace opsctl::util {

/// `text` safe as HTML or XML 1.0 character data and attribute values: & < > " ' as
/// entities (' as &#39;, which both know), and control characters that neither allows
/// (C0 other than tab, newline and carriage return, and DEL) as spaces. UTF-8 passes through.
std::string markup_escape(std::string_view text);

} // namespace opsctl::util
