#include "lib/util/csv.hpp"

#include "lib/util/unicode.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace opsctl::util {

namespace {

// Big enough that a 100,000-row import makes a few hundred reads, small enough to stay out of
// the way of the memory a caller bounds.
constexpr std::size_t k_chunk = 64 * 1024;
constexpr int k_end = -1;

// What spreadsheets read as the start of a formula (or of a DDE call through one).
bool starts_formula(std::string_view text) {
    return !text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
                             text[0] == '\t' || text[0] == '\r');
}

// "-5", "-12.50": a spreadsheet reads these as the same number, never as a formula.
bool plain_negative_number(std::string_view text) {
    if (text.size() < 2 || text[0] != '-') {
        return false;
    }
    const std::size_t point = text.find('.');
    const std::string_view whole =
        text.substr(1, point == std::string_view::npos ? std::string_view::npos : point - 1);
    const std::string_view fraction =
        point == std::string_view::npos ? std::string_view("0") : text.substr(point + 1);
    auto digits = [](std::string_view s) {
        return !s.empty() &&
               std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    return digits(whole) && digits(fraction);
}

} // namespace

std::string neutralise_formula(std::string_view cell) {
    const std::size_t quotes = std::min(cell.find_first_not_of('\''), cell.size());
    const std::string_view rest = cell.substr(quotes);
    // Apostrophes already in front of a formula get one more, so that reading back (which
    // removes one) gives the cell unchanged.
    if (!starts_formula(rest) || (quotes == 0 && plain_negative_number(rest))) {
        return std::string(cell);
    }
    std::string out;
    out.reserve(cell.size() + 1);
    out += '\'';
    out += cell;
    return out;
}

void restore_formula(std::string& cell) {
    const std::size_t quotes = std::min(cell.find_first_not_of('\''), cell.size());
    if (quotes > 0 && starts_formula(std::string_view(cell).substr(quotes))) {
        cell.erase(0, 1);
    }
}

CsvReader::CsvReader(std::istream& in, CsvOptions options) : m_in(&in), m_options(options) {
    m_buffer.resize(k_chunk);
    m_data = m_buffer.data();
}

CsvReader::CsvReader(std::string_view text, CsvOptions options)
    : m_data(text.data()), m_end(text.size()), m_options(options) {}

bool CsvReader::fill() {
    if (!m_in) {
        return false;
    }
    m_in->read(m_buffer.data(), static_cast<std::streamsize>(m_buffer.size()));
    const auto got = static_cast<std::size_t>(m_in->gcount());
    m_data = m_buffer.data();
    m_pos = 0;
    m_end = got;
    if (got < m_buffer.size()) {
        m_in = nullptr; // end of input (or a read error, which ends the document the same way)
    }
    return got > 0;
}

int CsvReader::peek() {
    if (m_pos == m_end && !fill()) {
        return k_end;
    }
    return static_cast<unsigned char>(m_data[m_pos]);
}

void CsvReader::check_field(const std::string& field, std::size_t index, std::size_t line) const {
    if (!m_options.text_only) {
        return;
    }
    // Most fields are ASCII: one pass over the bytes, the UTF-8 decoder only when needed.
    bool ascii = true;
    for (const char ch : field) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == 0) {
            throw CsvError(line, fmt::format("field {} contains a NUL byte", index));
        }
        if (c >= 0x80) {
            ascii = false;
        }
    }
    if (!ascii && !is_valid_utf8(field)) {
        throw CsvError(line, fmt::format("field {} is not valid UTF-8 text", index));
    }
}

bool CsvReader::next(CsvRecord& record) {
    if (!m_started) {
        m_started = true;
        if (m_in) {
            fill();
        }
        // Spreadsheets on Windows write a byte order mark; it is not part of the first column's name.
        if (m_end - m_pos >= 3 && std::memcmp(m_data + m_pos, "\xEF\xBB\xBF", 3) == 0) {
            m_pos += 3;
            m_bom = true;
        }
    }
    // Blank lines between records carry nothing; skipping them keeps a trailing newline harmless.
    int c = peek();
    while (c == '\n' || c == '\r') {
        if (c == '\n') {
            ++m_line;
        }
        ++m_pos;
        c = peek();
    }
    if (c == k_end) {
        return false;
    }
    record.line = m_line;
    std::size_t n = 0; // fields filled so far; the vector's strings are reused between records
    auto too_long = [&](const std::string& field) {
        if (field.size() > m_options.max_field) {
            throw CsvError(record.line,
                           fmt::format("field {} is larger than {} bytes", n + 1, m_options.max_field));
        }
    };
    while (true) {
        if (n == record.fields.size()) {
            record.fields.emplace_back();
        }
        std::string& field = record.fields[n];
        field.clear();
        if (peek() == '"') {
            const std::size_t start_line = m_line;
            ++m_pos;
            while (true) {
                if (m_pos == m_end && !fill()) {
                    throw CsvError(start_line, "quoted field is never closed");
                }
                const char* p = m_data + m_pos;
                const char* e = m_data + m_end;
                const auto* quote = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(e - p)));
                const char* stop = quote ? quote : e;
                m_line += static_cast<std::size_t>(std::count(p, stop, '\n'));
                field.append(p, stop);
                too_long(field);
                if (!quote) {
                    m_pos = m_end;
                    continue;
                }
                m_pos = static_cast<std::size_t>(quote - m_data) + 1;
                if (peek() == '"') {
                    field.push_back('"');
                    ++m_pos;
                    continue;
                }
                break;
            }
            c = peek();
            if (c != k_end && c != ',' && c != '\n' && c != '\r') {
                throw CsvError(m_line, fmt::format("unexpected text after a closing quote in field {}", n + 1));
            }
        } else {
            while (m_pos < m_end || fill()) {
                const char* p = m_data + m_pos;
                const char* e = m_data + m_end;
                const char* s = p;
                while (s < e && *s != ',' && *s != '\n' && *s != '\r' && *s != '"') {
                    ++s;
                }
                field.append(p, s);
                m_pos = static_cast<std::size_t>(s - m_data);
                too_long(field);
                if (s < e) {
                    if (*s == '"') {
                        throw CsvError(m_line,
                                       fmt::format("a quote inside unquoted field {} (quote the whole field)", n + 1));
                    }
                    break;
                }
            }
        }
        check_field(field, n + 1, record.line);
        if (m_bom && m_options.restore_formulas && !field.empty() && field[0] == '\'') {
            restore_formula(field);
        }
        ++n;
        c = peek();
        if (c == ',') {
            ++m_pos;
            continue;
        }
        // End of record: LF, CRLF, a lone CR, or the end of the input.
        if (c == '\r') {
            ++m_pos;
            if (peek() == '\n') {
                ++m_pos;
            }
            ++m_line;
        } else if (c == '\n') {
            ++m_pos;
            ++m_line;
        }
        record.fields.resize(n);
        return true;
    }
}

std::optional<CsvRecord> CsvReader::next() {
    CsvRecord record;
    if (!next(record)) {
        return std::nullopt;
    }
    return record;
}

std::vector<CsvRecord> read_csv(std::string_view text, CsvOptions options) {
    CsvReader reader(text, options);
    std::vector<CsvRecord> out;
    while (auto record = reader.next()) {
        out.push_back(std::move(*record));
    }
    return out;
}

} // namespace opsctl::util
