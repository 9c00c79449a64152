#include "cmd/progress.hpp"

#include "lib/util/unicode.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string_view>
#include <sys/ioctl.h>
#include <unistd.h>

namespace opsctl::cmd {

namespace {

std::chrono::milliseconds delay_from_environment(std::chrono::milliseconds fallback) {
    const char* v = std::getenv("OPSCTL_PROGRESS_AFTER");
    if (!v || !*v) {
        return fallback;
    }
    char* end = nullptr;
    const long ms = std::strtol(v, &end, 10);
    return *end == '\0' && ms >= 0 ? std::chrono::milliseconds(ms) : fallback;
}

int terminal_columns() {
    struct winsize ws {};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        return ws.ws_col;
    }
    return 80;
}

// 1234567 as "1,234,567".
std::string grouped(std::int64_t n) {
    std::string digits = std::to_string(n < 0 ? -n : n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            out += ',';
        }
        out += digits[i];
    }
    return n < 0 ? "-" + out : out;
}

std::string duration_text(double seconds) {
    const auto s = static_cast<std::int64_t>(seconds + 0.5);
    if (s < 60) {
        return fmt::format("{} s", s);
    }
    if (s < 3600) {
        return fmt::format("{} min {} s", s / 60, s % 60);
    }
    return fmt::format("{} h {} min", s / 3600, s % 3600 / 60);
}

} // namespace

ProgressLine::ProgressLine(std::string what, std::chrono::milliseconds after)
    : m_what(util::sanitize_for_terminal(what)), m_on(::isatty(STDERR_FILENO) != 0),
      m_start(std::chrono::steady_clock::now()), m_next(m_start + delay_from_environment(after)) {}

ProgressLine::~ProgressLine() { clear(); }

bool ProgressLine::due() { return m_on && std::chrono::steady_clock::now() >= m_next; }

void ProgressLine::show(const std::string& text) {
    if (!due()) {
        return;
    }
    m_next = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
    // One column is left free: a line that fills the last column makes some terminals wrap.
    const std::string line =
        util::truncate_to_width(fmt::format("{}: {}", m_what, util::sanitize_for_terminal(text)), terminal_columns() - 1);
    std::cerr << "\r\033[K" << line << std::flush;
    m_shown = true;
}

void ProgressLine::clear() {
    if (m_shown) {
        std::cerr << "\r\033[K" << std::flush;
        m_shown = false;
    }
}

double ProgressLine::seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
}

util::RowProgressFn row_progress(ProgressLine& line, const std::string& file) {
    if (!line.on()) {
        return {};
    }
    std::error_code ec;
    const auto size = file == "-" ? 0 : std::filesystem::file_size(file, ec);
    const auto total = ec ? 0 : static_cast<std::int64_t>(size);
    return [&line, total](const util::RowProgress& p) {
        if (line.due()) {
            line.show(row_progress_text(p, total, line.seconds()));
        }
    };
}

std::string row_progress_text(const util::RowProgress& p, std::int64_t total_bytes, double seconds) {
    std::string text = fmt::format("{} rows checked, {} written", grouped(p.checked), grouped(p.written));
    if (seconds > 0) {
        text += fmt::format(", {} rows/s", grouped(static_cast<std::int64_t>(static_cast<double>(p.checked) / seconds)));
    }
    if (total_bytes > 0 && p.bytes_read > 0 && seconds > 0) {
        const double done = std::min(1.0, static_cast<double>(p.bytes_read) / static_cast<double>(total_bytes));
        text += fmt::format(", {:.0f}%, {} left", done * 100, duration_text(seconds * (1 - done) / done));
    }
    return text;
}

} // namespace opsctl::cmd
