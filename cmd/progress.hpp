#pragma once
// A line of progress on standard error, redrawn in place, for long work (backups, imports).

#include "lib/util/progress.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace opsctl::cmd {

/// Shown only when standard error is a terminal, and only once the work has run for `after`
/// (OPSCTL_PROGRESS_AFTER, in milliseconds, overrides it): logs, pipes and quick runs stay
/// clean. Redrawn at most ten times a second, cut to the terminal's width, every byte of it
/// made safe for a terminal; cleared when destroyed.
class ProgressLine {
  public:
    explicit ProgressLine(std::string what, std::chrono::milliseconds after = std::chrono::milliseconds(0));
    ~ProgressLine();
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    bool on() const { return m_on; }
    /// Whether a call to show() now would draw: call it before building the text.
    bool due();
    /// Draws "<what>: <text>" over the line.
    void show(const std::string& text);
    /// Removes the line (before other output).
    void clear();
    /// Seconds since the line was made.
    double seconds() const;

  private:
    std::string m_what;
    bool m_on;
    bool m_shown = false;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_next;
};

/// An import's progress shown on `line` (nothing when the line is off); `file` is the input's
/// name ("-" for standard input), whose size gives the time left.
util::RowProgressFn row_progress(ProgressLine& line, const std::string& file);

/// The text of an import's progress: rows checked and written, the rate and, when the input's
/// size is known (`total_bytes` > 0), the time left.
std::string row_progress_text(const util::RowProgress& p, std::int64_t total_bytes, double seconds);

} // namespace opsctl::cmd
