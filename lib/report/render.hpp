#pragma once
// The review as Markdown (with Mermaid charts), JSON, one CSV of headline figures, or a
// folder of review.md plus one CSV per table.

#include "lib/report/review.hpp"

#include <filesystem>
#include <ostream>
#include <vector>

namespace opsctl::report {

/// Writes the review as Markdown: one H1, an H2 per section, H3 per table; charts as
/// ```mermaid blocks, each followed by the table of its numbers.
void render_markdown(const Review& review, std::ostream& out);
/// Writes the review as one JSON object: metadata, then sections with figures and tables
/// (rows as objects keyed by column key, typed as in `--format json`).
void render_json(const Review& review, std::ostream& out);
/// Writes every section's headline figures as one CSV (section, key, metric, value, ...).
void render_figures_csv(const Review& review, std::ostream& out);
/// A chart as the text of a Mermaid block (without the fence).
std::string mermaid(const Chart& chart);

/// Writes review.md and <table key>.csv for every table into `dir` (created when missing),
/// each through a temporary name renamed into place; returns the paths written.
std::vector<std::filesystem::path> write_out_dir(const Review& review, const std::filesystem::path& dir);
/// Writes `content` to `path` through a temporary name in the same folder and a rename, so
/// a reader never sees half a file; throws Failure naming the path.
void write_file_atomically(const std::filesystem::path& path, const std::string& content);

} // namespace opsctl::report
