#pragma once
// UTF-8 decoding, terminal display width, and making untrusted text safe to show on a terminal.

#include <cstddef>
#include <string>
#include <string_view>

namespace opsctl::util {

/// One step of UTF-8 decoding: a code point and the bytes it took, or one invalid byte.
struct CodePoint {
    char32_t value = 0;     // the code point; the byte value itself when !valid
    std::size_t length = 1; // bytes consumed (always 1 for an invalid byte)
    bool valid = false;     // false for a byte that does not start a well-formed sequence
};

/// Decodes the character starting at byte `pos` of `text` (pos < text.size()); strict
/// UTF-8: overlong forms, surrogates and values above U+10FFFF are invalid, one byte at a time.
CodePoint decode_utf8(std::string_view text, std::size_t pos);

/// Appends the UTF-8 encoding of `cp` (which must be a Unicode scalar value) to `out`.
void append_utf8(std::string& out, char32_t cp);

/// True when `text` is entirely well-formed UTF-8 (the empty string is valid).
bool is_valid_utf8(std::string_view text);

/// Terminal columns taken by one code point: 2 for East Asian Wide/Fullwidth (CJK, Hangul,
/// kana, fullwidth forms, emoji), 0 for combining marks, zero-width and control characters, else 1.
int code_point_width(char32_t cp);

/// Terminal columns `text` takes: the sum of code_point_width, and 1 for each invalid byte
/// (a terminal shows it as one replacement character).
int display_width(std::string_view text);

/// `text` made safe to print on a terminal, one line, every byte visible. Escapes (documented
/// in unicode.cpp): \n \t \r \e for LF, TAB, CR, ESC; \xNN for other C0 controls, DEL and
/// invalid UTF-8 bytes; \u{NN} for C1 controls, bidi overrides and line/paragraph separators.
/// Backslash itself is not escaped: the result is for reading, not for parsing back.
std::string sanitize_for_terminal(std::string_view text);

/// `text` cut at a character boundary so that it takes at most `width` columns, with "…"
/// appended when anything was cut; unchanged when it already fits, "" when width <= 0.
std::string truncate_to_width(std::string_view text, int width);

/// `text` padded with spaces to `width` columns (on the left when `right_align`);
/// unchanged when it is already that wide or wider.
std::string pad_to_width(std::string_view text, int width, bool right_align = false);

} // namespace opsctl::util
