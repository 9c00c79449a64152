#pragma once
// Reading a spreadsheet's header row: which column each cell names, by the column's own
// name, one of its labels (e.g. 名称 for name) or an explicit LABEL=name mapping.

#include <cstddef>
#include <string>
#include <vector>

namespace opsctl::util {

/// A column an import reads and the other header texts that may name it.
struct HeaderColumn {
    std::string name;
    std::vector<std::string> labels;
};

/// One header problem: the 1-based position of the cell and what is wrong with it.
struct HeaderProblem {
    std::size_t column = 0;
    std::string message;
};

/// What a header row names.
struct HeaderMapping {
    std::vector<std::string> names;       // per cell: the column it names, empty when none
    std::vector<HeaderProblem> problems;  // each problem once, in cell order
};

/// Maps each cell of `header` to a column: first a `LABEL=name` entry of `explicit_map`
/// (LABEL is the cell's text), then a column's own name, then a label. Names and labels are
/// compared ignoring ASCII case, white space, '_' and '-', full-width brackets as ASCII; a
/// byte-order mark before the first cell is ignored. A cell that names no column, a column
/// named by two cells and a label that fits several columns are problems; the message of an
/// unknown cell suggests a near name only (never the whole list: the caller gives it once).
/// Throws UsageError for an `explicit_map` entry that is not LABEL=name, names no column, or
/// whose LABEL is not in the header.
HeaderMapping map_header(const std::vector<std::string>& header, const std::vector<HeaderColumn>& columns,
                         const std::vector<std::string>& explicit_map);

} // namespace opsctl::util
