#pragma once
// Reading CSV as RFC 4180 writes it: quoted fields (with commas, quotes and newlines inside),
// CRLF or LF line ends, a UTF-8 byte order mark at the start tolerated.

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace opsctl::util {

/// A malformed CSV document: the message names the line where the problem starts.
class CsvError : public std::runtime_error {
public:
    CsvError(std::size_t line, const std::string& message)
        : std::runtime_error(message), m_line(line) {}
    /// 1-based physical line of the problem.
    std::size_t line() const { return m_line; }

private:
    std::size_t m_line;
};

/// One record: its fields and the physical line it starts on (1-based).
struct CsvRecord {
    std::vector<std::string> fields;
    std::size_t line = 0;
};

/// Reads records one at a time from text held in memory.
class CsvReader {
public:
    /// `max_field` bounds one field's size in bytes; a longer one is a CsvError.
    explicit CsvReader(std::string_view text, std::size_t max_field = std::size_t{1} << 20);
    /// The next record, or nullopt at the end; blank lines are skipped; throws CsvError.
    std::optional<CsvRecord> next();

private:
    std::string_view m_text;
    std::size_t m_pos = 0;
    std::size_t m_line = 1;
    std::size_t m_max_field;
};

/// Every record of a CSV document (header included); throws CsvError.
std::vector<CsvRecord> read_csv(std::string_view text, std::size_t max_field = std::size_t{1} << 20);

} // namespace opsctl::util
