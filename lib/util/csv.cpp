#include "lib/util/csv.hpp"

#include <fmt/format.h>

namespace opsctl::util {

CsvReader::CsvReader(std::string_view text, std::size_t max_field) : m_text(text), m_max_field(max_field) {
    // Spreadsheets on Windows write a byte order mark; it is not part of the first column's name.
    if (m_text.substr(0, 3) == "\xEF\xBB\xBF") {
        m_pos = 3;
    }
}

std::optional<CsvRecord> CsvReader::next() {
    // Blank lines between records carry nothing; skipping them keeps a trailing newline harmless.
    while (m_pos < m_text.size() && (m_text[m_pos] == '\n' || m_text[m_pos] == '\r')) {
        if (m_text[m_pos] == '\n') {
            ++m_line;
        }
        ++m_pos;
    }
    if (m_pos >= m_text.size()) {
        return std::nullopt;
    }
    CsvRecord record;
    record.line = m_line;
    std::string field;
    const std::size_t n = m_text.size();
    auto push_field = [&] {
        record.fields.push_back(std::move(field));
        field.clear();
    };
    auto check_size = [&] {
        if (field.size() > m_max_field) {
            throw CsvError(m_line, fmt::format("line {}: field {} is longer than {} bytes", m_line,
                                               record.fields.size() + 1, m_max_field));
        }
    };
    while (true) {
        if (m_pos < n && m_text[m_pos] == '"') {
            const std::size_t start_line = m_line;
            ++m_pos;
            while (true) {
                const std::size_t quote = m_text.find('"', m_pos);
                if (quote == std::string_view::npos) {
                    throw CsvError(start_line, fmt::format("line {}: quoted field is never closed", start_line));
                }
                const std::string_view part = m_text.substr(m_pos, quote - m_pos);
                for (char c : part) {
                    if (c == '\n') {
                        ++m_line;
                    }
                }
                field.append(part);
                check_size();
                m_pos = quote + 1;
                if (m_pos < n && m_text[m_pos] == '"') {
                    field.push_back('"');
                    ++m_pos;
                    continue;
                }
                break;
            }
            if (m_pos < n && m_text[m_pos] != ',' && m_text[m_pos] != '\n' && m_text[m_pos] != '\r') {
                throw CsvError(m_line, fmt::format("line {}: unexpected text after a closing quote in field {}",
                                                   m_line, record.fields.size() + 1));
            }
        } else {
            std::size_t end = m_pos;
            while (end < n && m_text[end] != ',' && m_text[end] != '\n' && m_text[end] != '\r') {
                if (m_text[end] == '"') {
                    throw CsvError(m_line, fmt::format("line {}: a quote inside unquoted field {} (quote the whole field)",
                                                       m_line, record.fields.size() + 1));
                }
                ++end;
            }
            field.assign(m_text.substr(m_pos, end - m_pos));
            check_size();
            m_pos = end;
        }
        push_field();
        if (m_pos >= n) {
            return record;
        }
        if (m_text[m_pos] == ',') {
            ++m_pos;
            continue;
        }
        // End of record: LF, CRLF, or a lone CR.
        if (m_text[m_pos] == '\r') {
            ++m_pos;
            if (m_pos < n && m_text[m_pos] == '\n') {
                ++m_pos;
            }
        } else {
            ++m_pos;
        }
        ++m_line;
        return record;
    }
}

std::vector<CsvRecord> read_csv(std::string_view text, std::size_t max_field) {
    CsvReader reader(text, max_field);
    std::vector<CsvRecord> out;
    while (auto record = reader.next()) {
        out.push_back(std::move(*record));
    }
    return out;
}

} // namespace opsctl::util
