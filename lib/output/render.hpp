#pragma once
// Rows in, text out: every list and show command hands its data to render() or
// render_record(), which write it as an aligned table, CSV (exact, or in the spreadsheet
// form), TSV, JSON or Markdown.

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace opsctl::output {

/// The output formats selected with --format. `excel` is CSV for a spreadsheet: a UTF-8 byte
/// order mark, CRLF line ends, and cells that would run as formulas neutralised with a
/// leading `'` (util::neutralise_formula); `csv` is the exact form that programs read.
enum class Format { table, csv, tsv, json, md, excel };

/// The format named `name` ("table", "csv", "tsv", "json", "md", "excel"); nullopt for anything
/// else.
std::optional<Format> parse_format(std::string_view name);
/// Like parse_format, but throws UsageError naming `name` and listing the known formats.
Format parse_format_or_throw(std::string_view name);
/// The name of `format` as --format accepts it.
std::string_view format_name(Format format);
/// Every format name, in the order help text should list them.
const std::vector<std::string_view>& format_names();

/// What a cell holds: decides JSON typing and table alignment (numbers align right).
/// `time`: the text is ISO 8601 with offset, shown to people (table, md) as "YYYY-MM-DD HH:MM".
/// `json`: the text is a JSON value, written as it is in JSON and as text elsewhere.
enum class CellKind { text, integer, number, boolean, null, time, json };

/// One value: its text as shown (already formatted) and its kind.
struct Cell {
    std::string text;
    CellKind kind = CellKind::text;

    Cell() = default;
    /// A text cell (implicit, so rows can be written as {"T-12", "张伟", Cell::integer(3)}).
    Cell(std::string t) : text(std::move(t)) {}
    /// A text cell from a literal.
    Cell(const char* t) : text(t) {}
    /// A text cell from a view.
    Cell(std::string_view t) : text(t) {}
    /// A cell with explicit text and kind; the text of a numeric cell should be a JSON number.
    Cell(std::string t, CellKind k) : text(std::move(t)), kind(k) {}

    /// No value: empty in table/csv/tsv/md, null in JSON.
    static Cell null();
    /// An integer, written in decimal.
    static Cell integer(std::int64_t value);
    /// A number with `precision` digits after the point; NaN and infinities become null in JSON.
    static Cell number(double value, int precision);
    /// A boolean, written "true" / "false".
    static Cell boolean(bool value);
    /// Text, or null when `value` is nullopt.
    static Cell optional_text(std::optional<std::string> value);
    /// An instant, from its ISO 8601 text with offset (core::format_time): the one form of a
    /// time in CSV, TSV and JSON; tables and Markdown show it without seconds and offset.
    static Cell time(std::string iso);
    /// A JSON value (an object or array as text, e.g. nlohmann::json::dump()).
    static Cell json(std::string text);
};

/// A cell as people read it (table, md, html): a time without its seconds and offset.
std::string human_text(const Cell& cell);

/// One column: `key` is the stable machine name (csv/tsv header, JSON key, --columns),
/// `title` the human heading for table and md (may be Chinese; the key when empty).
struct Column {
    std::string key;
    std::string title;
};

/// Rows of cells under named columns; each row has one cell per column.
struct Table {
    std::vector<Column> columns;
    std::vector<std::vector<Cell>> rows;

    /// Appends a column; returns *this so columns can be chained.
    Table& add_column(std::string key, std::string title = {});
    /// Appends a row; throws Failure when it has more cells than there are columns,
    /// pads a shorter row with null cells.
    void add_row(std::vector<Cell> cells);
};

/// One object for `show` commands: fields in display order.
struct Record {
    std::vector<std::pair<Column, Cell>> fields;

    /// Appends a field; returns *this so fields can be chained.
    Record& add(std::string key, std::string title, Cell value);
};

/// How to render: the global --format, --columns, --no-header and colour decision.
struct RenderOptions {
    Format format = Format::table;
    /// Column keys to show, in this order (--columns); empty shows all columns.
    std::vector<std::string> columns;
    /// Print the header row (table, csv, tsv); JSON has none and md always needs one.
    bool header = true;
    /// Use ANSI colour (bold header) in table format; the caller decides (isatty, NO_COLOR).
    bool color = false;
    /// Table format only: cut cells wider than this with "…" (0 = no limit).
    int max_cell_width = 0;
};

/// What the spreadsheet form starts with: the UTF-8 byte order mark (Excel reads UTF-8 only after
/// it).
inline constexpr std::string_view k_utf8_bom = "\xEF\xBB\xBF";
/// `text` as one field of CSV in `format` (csv or excel): RFC 4180 quoting, and in the
/// spreadsheet form a formula neutralised first. For writers that stream rows (ticket export).
std::string csv_field(std::string_view text, Format format);

/// Splits a --columns value "id, title,owner" into keys, dropping blanks around and between.
std::vector<std::string> split_column_list(std::string_view list);

/// Writes `table` to `out` in `options.format`; throws UsageError when options.columns names
/// an unknown key (listing the known ones) or names one twice.
void render(const Table& table, const RenderOptions& options, std::ostream& out);

/// Writes one record: table = aligned "Title:  value" lines, json = one object,
/// csv/tsv = header + one row, md = a | Field | Value | table. Same --columns rules as render.
void render_record(const Record& record, const RenderOptions& options, std::ostream& out);

} // namespace opsctl::output
