#include "lib/output/render.hpp"

#include "lib/core/error.hpp"
#include "lib/output/json.hpp"
#include "lib/util/csv.hpp"
#include "lib/util/unicode.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace opsctl::output {

namespace {

const std::string k_bold = "\x1b[1m";
const std::string k_reset = "\x1b[0m";
const std::string k_column_gap = "  ";

const Cell& null_cell() {
    static const Cell k_null = Cell::null();
    return k_null;
}

// Rows built by hand may be short; a missing cell reads as null rather than crashing.
const Cell& cell_at(const std::vector<Cell>& row, std::size_t index) {
    return index < row.size() ? row[index] : null_cell();
}

std::string title_of(const Column& column) {
    return column.title.empty() ? column.key : column.title;
}

std::string join_keys(const std::vector<Column>& columns) {
    std::string out;
    for (const Column& c : columns) {
        if (!out.empty()) {
            out += ", ";
        }
        out += c.key;
    }
    return out;
}

// Maps --columns keys to column indices, in the order the user gave them.
std::vector<std::size_t> select_columns(const std::vector<Column>& columns,
                                        const std::vector<std::string>& wanted) {
    std::vector<std::size_t> picked;
    if (wanted.empty()) {
        for (std::size_t i = 0; i < columns.size(); ++i) {
            picked.push_back(i);
        }
        return picked;
    }
    for (const std::string& key : wanted) {
        std::size_t found = columns.size();
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (columns[i].key == key) {
                found = i;
                break;
            }
        }
        if (found == columns.size()) {
            throw UsageError(fmt::format("no column '{}'", key), "known: " + join_keys(columns));
        }
        for (std::size_t p : picked) {
            if (p == found) {
                // Twice the same key would give a JSON object a duplicate member.
                throw UsageError(fmt::format("column '{}' selected twice", key));
            }
        }
        picked.push_back(found);
    }
    return picked;
}

bool is_numeric(CellKind kind) {
    return kind == CellKind::integer || kind == CellKind::number;
}

// A column aligns right when every value in it is a number (nulls aside): aligning
// per cell would make a column with a stray text value zig-zag.
std::vector<bool> numeric_columns(const Table& table, const std::vector<std::size_t>& picked) {
    std::vector<bool> numeric;
    for (std::size_t index : picked) {
        bool any_number = false;
        bool all_numbers = true;
        for (const auto& row : table.rows) {
            const Cell& cell = cell_at(row, index);
            if (cell.kind == CellKind::null) {
                continue;
            }
            if (is_numeric(cell.kind)) {
                any_number = true;
            } else {
                all_numbers = false;
            }
        }
        numeric.push_back(any_number && all_numbers);
    }
    return numeric;
}

void rtrim_spaces(std::string& line) {
    while (!line.empty() && line.back() == ' ') {
        line.pop_back();
    }
}

// A cell as printed, with the columns it takes (measured once: a table needs the width of
// every cell twice, for its column and for its padding).
struct Shown {
    std::string text;
    int width = 0;
};

Shown for_terminal(std::string_view text, int max_width) {
    Shown shown{util::sanitize_for_terminal(text), 0};
    shown.width = util::display_width(shown.text);
    if (max_width > 0 && shown.width > max_width) {
        shown.text = util::truncate_to_width(shown.text, max_width);
        shown.width = util::display_width(shown.text);
    }
    return shown;
}

void render_table_format(const Table& table, const std::vector<std::size_t>& picked,
                         const RenderOptions& options, std::ostream& out) {
    if (picked.empty() || (!options.header && table.rows.empty())) {
        return;
    }
    const std::vector<bool> numeric = numeric_columns(table, picked);
    std::vector<Shown> titles;
    std::vector<int> widths(picked.size(), 0);
    if (options.header) {
        for (std::size_t c = 0; c < picked.size(); ++c) {
            titles.push_back(
                for_terminal(title_of(table.columns[picked[c]]), options.max_cell_width));
            widths[c] = titles[c].width;
        }
    }
    // Sanitize once and keep the result: widths must be measured on what is printed.
    std::vector<std::vector<Shown>> texts;
    texts.reserve(table.rows.size());
    for (const auto& row : table.rows) {
        std::vector<Shown> line;
        line.reserve(picked.size());
        for (std::size_t c = 0; c < picked.size(); ++c) {
            line.push_back(for_terminal(human_text(cell_at(row, picked[c])), options.max_cell_width));
            widths[c] = std::max(widths[c], line.back().width);
        }
        texts.push_back(std::move(line));
    }

    // Padding goes outside the colour codes so that they do not count as width.
    std::string line;
    auto write_line = [&](const std::vector<Shown>& cells, bool bold) {
        line.clear();
        for (std::size_t c = 0; c < cells.size(); ++c) {
            if (c > 0) {
                line += k_column_gap;
            }
            const auto fill = static_cast<std::size_t>(widths[c] - cells[c].width);
            if (numeric[c]) {
                line.append(fill, ' ');
            }
            if (bold) {
                line += k_bold;
            }
            line += cells[c].text;
            if (bold) {
                line += k_reset;
            }
            if (!numeric[c]) {
                line.append(fill, ' ');
            }
        }
        rtrim_spaces(line);
        line += '\n';
        out << line;
    };

    if (options.header) {
        write_line(titles, options.color);
        std::vector<Shown> rules;
        for (int w : widths) {
            rules.push_back({std::string(static_cast<std::size_t>(w), '-'), w});
        }
        write_line(rules, false);
    }
    for (const auto& line : texts) {
        write_line(line, false);
    }
}

// RFC 4180 quoting. A lone empty field on a line is quoted too, so that a one-column
// row with an empty value is not read as a blank line and skipped.
std::string quoted_csv_field(std::string_view text, bool alone) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos && !(alone && text.empty())) {
        return std::string(text);
    }
    std::string out = "\"";
    for (char ch : text) {
        if (ch == '"') {
            out += '"';
        }
        out += ch;
    }
    out += '"';
    return out;
}

// Line ends are LF, not RFC 4180's CRLF: every consumer on the systems opsctl runs on
// (awk, Python's csv, spreadsheets, database importers) reads LF, and CRLF would leak a
// stray \r into line-oriented shell tools. Embedded CR/LF are kept inside quotes.
// The spreadsheet form (`excel`) is for people, not programs: Excel reads a file as UTF-8 only
// after a byte order mark (Chinese text is garbled otherwise), writes CRLF itself, and runs a
// cell such as =HYPERLINK(...) or @SUM(...) unless it is neutralised.
void render_csv(const Table& table, const std::vector<std::size_t>& picked,
                const RenderOptions& options, std::ostream& out) {
    if (picked.empty()) {
        return;
    }
    const bool spreadsheet = options.format == Format::excel;
    const bool alone = picked.size() == 1;
    auto write_line = [&](auto&& field_of) {
        std::string line;
        for (std::size_t c = 0; c < picked.size(); ++c) {
            if (c > 0) {
                line += ',';
            }
            const std::string_view text = field_of(picked[c]);
            line += spreadsheet ? quoted_csv_field(util::neutralise_formula(text), alone)
                                : quoted_csv_field(text, alone);
        }
        out << line << (spreadsheet ? "\r\n" : "\n");
    };
    if (spreadsheet) {
        out << k_utf8_bom;
    }
    if (options.header) {
        write_line([&](std::size_t i) -> std::string_view { return table.columns[i].key; });
    }
    for (const auto& row : table.rows) {
        write_line([&](std::size_t i) -> std::string_view { return cell_at(row, i).text; });
    }
}

// The IANA text/tab-separated-values convention, with the escapes most readers
// (PostgreSQL COPY, MySQL LOAD DATA, Python's csv with escapechar) understand.
std::string tsv_field(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char ch : text) {
        switch (ch) {
        case '\\':
            out += "\\\\";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            out += ch;
        }
    }
    return out;
}

void render_tsv(const Table& table, const std::vector<std::size_t>& picked,
                const RenderOptions& options, std::ostream& out) {
    if (picked.empty()) {
        return;
    }
    auto write_line = [&](auto&& field_of) {
        std::string line;
        for (std::size_t c = 0; c < picked.size(); ++c) {
            if (c > 0) {
                line += '\t';
            }
            line += tsv_field(field_of(picked[c]));
        }
        out << line << '\n';
    };
    if (options.header) {
        write_line([&](std::size_t i) -> std::string_view { return table.columns[i].key; });
    }
    for (const auto& row : table.rows) {
        write_line([&](std::size_t i) -> std::string_view { return cell_at(row, i).text; });
    }
}

void append_json_value(std::string& out, const Cell& cell) {
    switch (cell.kind) {
    case CellKind::null:
        out += "null";
        return;
    case CellKind::integer:
    case CellKind::number:
        // NaN and infinities have no JSON spelling; null keeps the output parseable.
        out += is_json_number(cell.text) ? cell.text : "null";
        return;
    case CellKind::boolean:
        if (cell.text == "true" || cell.text == "false") {
            out += cell.text;
            return;
        }
        break;
    case CellKind::json:
        // Written by a JSON library; anything else would break the document.
        if (!cell.text.empty() && (cell.text.front() == '{' || cell.text.front() == '[')) {
            out += cell.text;
            return;
        }
        break;
    case CellKind::text:
    case CellKind::time:
        break;
    }
    append_json_string(out, cell.text);
}

std::string json_object(const std::vector<Column>& columns, const std::vector<Cell>& row,
                        const std::vector<std::size_t>& picked) {
    std::string out = "{";
    for (std::size_t c = 0; c < picked.size(); ++c) {
        if (c > 0) {
            out += ',';
        }
        append_json_string(out, columns[picked[c]].key);
        out += ':';
        append_json_value(out, cell_at(row, picked[c]));
    }
    out += '}';
    return out;
}

// One object per line inside the array: valid JSON for jq, and still readable with
// grep and diff.
void render_json(const Table& table, const std::vector<std::size_t>& picked, std::ostream& out) {
    if (table.rows.empty()) {
        out << "[]\n";
        return;
    }
    out << "[\n";
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        out << "  " << json_object(table.columns, table.rows[r], picked)
            << (r + 1 < table.rows.size() ? ",\n" : "\n");
    }
    out << "]\n";
}

// Cell text is data (titles, reasons and names come from users): what would break the table
// (|) and what a Markdown viewer would make live (raw HTML and autolinks behind <, links and
// images behind [, and the backslash that could undo those escapes) is backslash-escaped,
// which reads the same on a terminal and renders as the text itself. Emphasis and code spans
// stay: they change how text looks, not what it does. Line breaks become <br>; control
// characters and invalid bytes get the terminal escapes, since Markdown has no use for them
// and the output is often read on a terminal or committed as a UTF-8 file.
std::string md_field(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find_first_of("\r\n", start), text.size());
        // Escaped first, then made terminal-safe: the escapes that adds (\e, \x07, \u{...})
        // render as written and are not doubled.
        std::string escaped;
        for (const char ch : text.substr(start, end - start)) {
            if (ch == '|' || ch == '<' || ch == '>' || ch == '[' || ch == ']' || ch == '\\') {
                escaped += '\\';
            }
            escaped += ch;
        }
        out += util::sanitize_for_terminal(escaped);
        if (end == text.size()) {
            break;
        }
        out += "<br>";
        start = end + 1;
        if (text[end] == '\r' && start < text.size() && text[start] == '\n') {
            ++start;
        }
    }
    return out;
}

// GitHub requires a header row, so md ignores header=false. Cells are padded to a common
// display width so the source reads as a table too (and diffs of saved reports stay tidy).
void write_md(const std::vector<std::string>& titles,
              const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& numeric,
              std::ostream& out) {
    if (titles.empty()) {
        return;
    }
    std::vector<int> widths;
    for (const std::string& t : titles) {
        widths.push_back(std::max(3, util::display_width(t)));
    }
    for (const auto& row : rows) {
        for (std::size_t c = 0; c < row.size(); ++c) {
            widths[c] = std::max(widths[c], util::display_width(row[c]));
        }
    }
    auto write_line = [&](const std::vector<std::string>& cells) {
        std::string line = "|";
        for (std::size_t c = 0; c < cells.size(); ++c) {
            line += ' ';
            line += util::pad_to_width(cells[c], widths[c], numeric[c]);
            line += " |";
        }
        out << line << '\n';
    };
    write_line(titles);
    std::vector<std::string> rule;
    for (std::size_t c = 0; c < widths.size(); ++c) {
        const auto w = static_cast<std::size_t>(widths[c]);
        rule.push_back(numeric[c] ? std::string(w - 1, '-') + ":" : std::string(w, '-'));
    }
    write_line(rule);
    for (const auto& row : rows) {
        write_line(row);
    }
}

void render_md(const Table& table, const std::vector<std::size_t>& picked, std::ostream& out) {
    std::vector<std::string> titles;
    for (std::size_t index : picked) {
        titles.push_back(md_field(title_of(table.columns[index])));
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& row : table.rows) {
        std::vector<std::string> line;
        for (std::size_t index : picked) {
            line.push_back(md_field(human_text(cell_at(row, index))));
        }
        rows.push_back(std::move(line));
    }
    write_md(titles, rows, numeric_columns(table, picked), out);
}

// Splits a value into display lines; "\r\n" counts as one break, and a final line
// break does not add an empty line.
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (end == text.size() && line.empty() && !lines.empty()) {
            break;
        }
        lines.push_back(line);
        start = end + 1;
    }
    return lines;
}

void render_record_table(const Record& record, const std::vector<std::size_t>& picked,
                         const RenderOptions& options, std::ostream& out) {
    std::vector<std::string> labels;
    int label_width = 0;
    for (std::size_t index : picked) {
        labels.push_back(util::sanitize_for_terminal(title_of(record.fields[index].first)) + ":");
        label_width = std::max(label_width, util::display_width(labels.back()));
    }
    const std::string indent(static_cast<std::size_t>(label_width) + k_column_gap.size(), ' ');
    for (std::size_t f = 0; f < picked.size(); ++f) {
        const std::string& label = labels[f];
        const auto fill = static_cast<std::size_t>(label_width - util::display_width(label));
        std::string text = options.color ? k_bold + label + k_reset : label;
        text.append(fill, ' ');
        text += k_column_gap;
        // Real line breaks in a value become indented continuation lines; everything
        // else that could drive the terminal is escaped line by line.
        const std::string value = human_text(record.fields[picked[f]].second);
        const auto lines = split_lines(value);
        for (std::size_t l = 0; l < lines.size(); ++l) {
            if (l > 0) {
                text += '\n';
                text += indent;
            }
            text += util::sanitize_for_terminal(lines[l]);
        }
        rtrim_spaces(text);
        out << text << '\n';
    }
}

void render_record_md(const Record& record, const std::vector<std::size_t>& picked,
                      std::ostream& out) {
    std::vector<std::vector<std::string>> rows;
    for (std::size_t index : picked) {
        const auto& [column, cell] = record.fields[index];
        rows.push_back({md_field(title_of(column)), md_field(human_text(cell))});
    }
    write_md({"Field", "Value"}, rows, {false, false}, out);
}

} // namespace

std::optional<Format> parse_format(std::string_view name) {
    if (name == "table") {
        return Format::table;
    }
    if (name == "csv") {
        return Format::csv;
    }
    if (name == "tsv") {
        return Format::tsv;
    }
    if (name == "json") {
        return Format::json;
    }
    if (name == "md") {
        return Format::md;
    }
    if (name == "excel") {
        return Format::excel;
    }
    return std::nullopt;
}

const std::vector<std::string_view>& format_names() {
    static const std::vector<std::string_view> k_names = {"table", "csv", "tsv",
                                                          "json",  "md",  "excel"};
    return k_names;
}

Format parse_format_or_throw(std::string_view name) {
    if (auto format = parse_format(name)) {
        return *format;
    }
    throw UsageError(fmt::format("no output format '{}'", name),
                     fmt::format("known: {}", fmt::join(format_names(), ", ")));
}

std::string_view format_name(Format format) {
    switch (format) {
    case Format::table:
        return "table";
    case Format::csv:
        return "csv";
    case Format::tsv:
        return "tsv";
    case Format::json:
        return "json";
    case Format::md:
        return "md";
    case Format::excel:
        return "excel";
    }
    return "table";
}

Cell Cell::null() {
    return Cell(std::string(), CellKind::null);
}

Cell Cell::integer(std::int64_t value) {
    return Cell(std::to_string(value), CellKind::integer);
}

Cell Cell::number(double value, int precision) {
    if (std::isnan(value)) {
        return Cell("NaN", CellKind::number);
    }
    if (std::isinf(value)) {
        return Cell(value > 0 ? "inf" : "-inf", CellKind::number);
    }
    return Cell(fmt::format("{:.{}f}", value, std::max(0, precision)), CellKind::number);
}

Cell Cell::boolean(bool value) {
    return Cell(value ? "true" : "false", CellKind::boolean);
}

Cell Cell::optional_text(std::optional<std::string> value) {
    return value ? Cell(std::move(*value)) : Cell::null();
}

Cell Cell::time(std::string iso) {
    return Cell(std::move(iso), CellKind::time);
}

Cell Cell::json(std::string text) {
    return Cell(std::move(text), CellKind::json);
}

Table& Table::add_column(std::string key, std::string title) {
    columns.push_back({std::move(key), std::move(title)});
    return *this;
}

void Table::add_row(std::vector<Cell> cells) {
    if (cells.size() > columns.size()) {
        throw Failure(fmt::format("row has {} cells but the table has {} columns", cells.size(),
                                  columns.size()));
    }
    cells.resize(columns.size(), Cell::null());
    rows.push_back(std::move(cells));
}

Record& Record::add(std::string key, std::string title, Cell value) {
    fields.push_back({Column{std::move(key), std::move(title)}, std::move(value)});
    return *this;
}

std::string csv_field(std::string_view text, Format format) {
    return format == Format::excel ? quoted_csv_field(util::neutralise_formula(text), false)
                                   : quoted_csv_field(text, false);
}

std::vector<std::string> split_column_list(std::string_view list) {
    std::vector<std::string> keys;
    std::size_t start = 0;
    while (start <= list.size()) {
        std::size_t end = list.find(',', start);
        if (end == std::string_view::npos) {
            end = list.size();
        }
        std::string_view key = list.substr(start, end - start);
        while (!key.empty() && (key.front() == ' ' || key.front() == '\t')) {
            key.remove_prefix(1);
        }
        while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) {
            key.remove_suffix(1);
        }
        if (!key.empty()) {
            keys.emplace_back(key);
        }
        start = end + 1;
    }
    return keys;
}

void render(const Table& table, const RenderOptions& options, std::ostream& out) {
    const std::vector<std::size_t> picked = select_columns(table.columns, options.columns);
    switch (options.format) {
    case Format::table:
        render_table_format(table, picked, options, out);
        return;
    case Format::csv:
    case Format::excel:
        render_csv(table, picked, options, out);
        return;
    case Format::tsv:
        render_tsv(table, picked, options, out);
        return;
    case Format::json:
        render_json(table, picked, out);
        return;
    case Format::md:
        render_md(table, picked, out);
        return;
    }
}

void render_record(const Record& record, const RenderOptions& options, std::ostream& out) {
    std::vector<Column> columns;
    for (const auto& field : record.fields) {
        columns.push_back(field.first);
    }
    const std::vector<std::size_t> picked = select_columns(columns, options.columns);
    switch (options.format) {
    case Format::table:
        render_record_table(record, picked, options, out);
        return;
    case Format::md:
        render_record_md(record, picked, out);
        return;
    case Format::csv:
    case Format::tsv:
    case Format::excel:
        break;
    case Format::json: {
        std::vector<Cell> row;
        for (const auto& field : record.fields) {
            row.push_back(field.second);
        }
        out << json_object(columns, row, picked) << '\n';
        return;
    }
    }
    // csv and tsv: the record is a one-row table.
    Table table;
    table.columns = std::move(columns);
    std::vector<Cell> row;
    for (const auto& field : record.fields) {
        row.push_back(field.second);
    }
    table.rows.push_back(std::move(row));
    render(table, options, out);
}

std::string human_text(const Cell& cell) {
    if (cell.kind == CellKind::time && cell.text.size() >= 16 && cell.text[10] == 'T') {
        std::string s = cell.text.substr(0, 16);
        s[10] = ' ';
        return s;
    }
    return cell.text;
}

} // namespace opsctl::output
