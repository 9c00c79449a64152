#pragma once
// The labels a spreadsheet's header may give the built-in columns of `asset import` and
// `ticket import` (English and Chinese), in one table; custom fields use their policy labels.

#include <string_view>
#include <vector>

namespace opsctl::policy {

/// One built-in column and the header labels that name it (besides its own name).
struct ColumnLabels {
    std::string_view column;
    std::vector<std::string_view> labels;
};

/// The built-in column labels of one import: "asset" or "ticket" (empty for anything else).
const std::vector<ColumnLabels>& builtin_column_labels(std::string_view table);

} // namespace opsctl::policy
