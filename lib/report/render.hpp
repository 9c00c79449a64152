#pragma once
// The review as Markdown (with Mermaid charts), JSON, one CSV of headline figures, or a
// folder of review.md plus one CSV per table.

#include "lib/report/review.hpp"

#include <filesystem>
#include <ostream>
#include <sys/types.h>
#include <vector>

namespace opsctl::report {

/// Writes the review as Markdown: one H1, an H2 per section, H3 per table; charts as
/// ```mermaid blocks, each followed by the table of its numbers.
void render_markdown(const Review& review, std::ostream& out);
/// Writes the review as one self-contained HTML page: inline CSS (screen and A4 print), the
/// charts as inline SVG with their tables after them, every text escaped; no script, nothing
/// fetched.
void render_html(const Review& review, std::ostream& out);
/// Writes the review as one JSON object: metadata, then sections with figures and tables
/// (rows as objects keyed by column key, typed as in `--format json`).
void render_json(const Review& review, std::ostream& out);
/// Writes every section's headline figures as one CSV (section, key, metric, value, ...), in
/// `csv_format`: output::Format::csv (exact) or output::Format::excel (the spreadsheet form).
void render_figures_csv(const Review& review, std::ostream& out,
                        output::Format csv_format = output::Format::csv);
/// A chart as the text of a Mermaid block (without the fence).
std::string mermaid(const Chart& chart);

/// The mode of the files a review is written to: the folder decides who may read them.
inline constexpr mode_t k_report_mode = 0644;

/// Writes review.md and <table key>.csv for every table into `dir` (created when missing),
/// the CSVs in `csv_format` (csv or excel), each through util::AtomicFile (a random temporary
/// name, never through a symlink, renamed into place); returns the paths written.
std::vector<std::filesystem::path> write_out_dir(const Review& review,
                                                 const std::filesystem::path& dir,
                                                 output::Format csv_format = output::Format::csv);

} // namespace opsctl::report
