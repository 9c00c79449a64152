#pragma once
// Reading CSV as RFC 4180 writes it, one record at a time: quoted fields (with commas, quotes
// and newlines inside), CRLF, LF or CR line ends, a UTF-8 byte order mark at the start
// tolerated. A stream is read in fixed-size chunks, so memory is bounded by the largest
// record, not by the file. Also the rule of the spreadsheet form (`--format excel`): how a
// cell that a spreadsheet would run as a formula is neutralised, and read back.

#include <cstddef>
#include <istream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace opsctl::util {

/// A malformed CSV document; what() says what is wrong (without the line), line() where.
class CsvError : public std::runtime_error {
public:
    CsvError(std::size_t line, const std::string& message)
        : std::runtime_error(message), m_line(line) {}
    /// 1-based physical line of the record (or quoted field) with the problem.
    std::size_t line() const { return m_line; }

private:
    std::size_t m_line;
};

/// One record: its fields and the physical line it starts on (1-based).
struct CsvRecord {
    std::vector<std::string> fields;
    std::size_t line = 0;
};

/// What a reader accepts.
struct CsvOptions {
    std::size_t max_field = std::size_t{1} << 20; // bytes; a longer field is a CsvError
    bool text_only = true;                        // refuse NUL bytes and invalid UTF-8
    bool restore_formulas = true; // in a document with a byte order mark (the spreadsheet
                                  // form), undo neutralise_formula on every field
};

/// Reads records one at a time from a stream or from text held in memory.
class CsvReader {
public:
    /// Reads `in` as it goes (in chunks); `in` must outlive the reader.
    explicit CsvReader(std::istream& in, CsvOptions options = {});
    /// Reads `text`, which must outlive the reader.
    explicit CsvReader(std::string_view text, CsvOptions options = {});
    /// Fills `record` with the next record (reusing its storage); false at the end. Blank
    /// lines are skipped. Throws CsvError.
    bool next(CsvRecord& record);
    /// The next record, or nullopt at the end; throws CsvError.
    std::optional<CsvRecord> next();

private:
    bool fill();
    int peek();
    void check_field(const std::string& field, std::size_t index, std::size_t line) const;

    std::istream* m_in = nullptr;
    std::string m_buffer;
    const char* m_data = nullptr; // the chunk being read: m_data[m_pos .. m_end)
    std::size_t m_pos = 0;
    std::size_t m_end = 0;
    std::size_t m_line = 1;
    bool m_started = false;
    bool m_bom = false; // the document starts with a byte order mark
    CsvOptions m_options;
};

/// A cell as the spreadsheet form writes it: with a `'` put in front when a spreadsheet would
/// read it as a formula (OWASP's advice on CSV injection), i.e. when it starts, after any
/// apostrophes, with = + - @ tab or CR. A plain negative number ("-5", "-0.25") stays a number.
std::string neutralise_formula(std::string_view cell);
/// Undoes neutralise_formula in place: a cell that starts with `'` and, after its apostrophes,
/// with = + - @ tab or CR loses its first `'`. CsvReader does this only in a document that
/// starts with a byte order mark: the spreadsheet form has one, the exact form never does, so
/// "'=x" in exact CSV is read as written.
void restore_formula(std::string& cell);

/// Every record of a CSV document (header included); throws CsvError.
std::vector<CsvRecord> read_csv(std::string_view text, CsvOptions options = {});

} // namespace opsctl::util
