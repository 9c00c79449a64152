#include "lib/inspect/formats.hpp"

#include "lib/core/time.hpp"
#include "lib/inspect/status.hpp"
#include "lib/util/markup.hpp"

#include <fmt/format.h>

#include <map>

namespace opsctl::inspect {

namespace {

std::string seconds_text(double s) { return fmt::format("{:.3f}", s); }

std::string labels(const ItemResult& r) {
    return fmt::format("checklist=\"{}\",item=\"{}\",target=\"{}\"", prometheus_label_value(r.checklist),
                       prometheus_label_value(r.item), prometheus_label_value(r.target));
}

// Writes one metric family: HELP, TYPE and its samples, contiguous as the format requires.
void family(std::ostream& out, const std::string& name, const std::string& help,
            const std::vector<std::pair<std::string, std::string>>& samples) {
    if (samples.empty()) {
        return;
    }
    out << "# HELP " << name << ' ' << help << '\n' << "# TYPE " << name << " gauge\n";
    for (const auto& [l, v] : samples) {
        out << name << '{' << l << "} " << v << '\n';
    }
}

std::string xml(const std::string& text) { return util::markup_escape(text); }

} // namespace

std::string prometheus_label_value(const std::string& text) {
    std::string out;
    for (const char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::vector<std::string> split_perfdata(const std::string& perfdata) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < perfdata.size()) {
        while (i < perfdata.size() && perfdata[i] == ' ') {
            ++i;
        }
        if (i >= perfdata.size()) {
            break;
        }
        std::size_t j = i;
        if (perfdata[j] == '\'') {
            const auto close = perfdata.find('\'', j + 1);
            j = close == std::string::npos ? perfdata.size() : close + 1;
        }
        while (j < perfdata.size() && perfdata[j] != ' ') {
            ++j;
        }
        out.push_back(perfdata.substr(i, j - i));
        i = j;
    }
    return out;
}

void write_prometheus(const RunReport& report, std::ostream& out) {
    std::vector<std::pair<std::string, std::string>> status, duration, pending, run_status, run_started, run_seconds;
    for (const auto& run : report.runs) {
        const std::string l = fmt::format("checklist=\"{}\"", prometheus_label_value(run.checklist));
        run_status.emplace_back(l, std::to_string(run.status));
        run_started.emplace_back(l, std::to_string(run.started_at));
        run_seconds.emplace_back(l, seconds_text(run.seconds));
        for (const auto& r : run.results) {
            if (r.status) {
                status.emplace_back(labels(r), std::to_string(*r.status));
                duration.emplace_back(labels(r), seconds_text(static_cast<double>(r.duration_ms) / 1000.0));
            }
            pending.emplace_back(labels(r), r.status ? "0" : "1");
        }
    }
    family(out, "opsctl_inspect_item_status",
           "Status of an inspection item: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.", status);
    family(out, "opsctl_inspect_item_duration_seconds", "How long the inspection item took.", duration);
    family(out, "opsctl_inspect_item_pending", "1 while a manual inspection item waits for a person.", pending);
    family(out, "opsctl_inspect_run_status", "Worst status of the checklist run: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
           run_status);
    family(out, "opsctl_inspect_run_timestamp_seconds", "Unix time the checklist run started.", run_started);
    family(out, "opsctl_inspect_run_duration_seconds", "How long the checklist run took.", run_seconds);
}

void write_nagios(const RunReport& report, std::ostream& out) {
    std::vector<std::string> parts;
    std::vector<std::string> perf;
    for (const auto& run : report.runs) {
        std::map<int, int> counts;
        std::vector<std::string> bad;
        bool many_targets = run.targets > 1;
        for (const auto& r : run.results) {
            if (!r.status) {
                continue;
            }
            ++counts[*r.status];
            const std::string who = many_targets ? r.target + "/" + r.item : r.item;
            if (*r.status != k_ok) {
                bad.push_back(fmt::format("{} {}: {}", who, status_name(r.status), r.message));
            }
            for (const auto& token : split_perfdata(r.perfdata)) {
                // Prefix each label with the item so that labels stay unique across items.
                std::string label = token.substr(0, token.find('='));
                std::string rest = token.substr(label.size());
                if (label.size() >= 2 && label.front() == '\'' && label.back() == '\'') {
                    label = label.substr(1, label.size() - 2);
                }
                perf.push_back(fmt::format("'{}.{}'{}", who, label, rest));
            }
        }
        std::vector<std::string> summary;
        for (const auto& [s, name] : std::vector<std::pair<int, const char*>>{
                 {k_critical, "critical"}, {k_warning, "warning"}, {k_unknown, "unknown"}, {k_ok, "ok"}}) {
            if (counts[s] > 0) {
                summary.push_back(fmt::format("{} {}", counts[s], name));
            }
        }
        if (run.pending() > 0) {
            summary.push_back(fmt::format("{} pending", run.pending()));
        }
        std::string part = fmt::format("{}: {}", run.checklist, fmt::join(summary, ", "));
        if (!bad.empty()) {
            part += fmt::format(" ({})", fmt::join(bad, "; "));
        }
        parts.push_back(part);
    }
    // The status line is one line: newlines in messages would end it early.
    std::string line = fmt::format("INSPECT {} - {}", status_name(report.status), fmt::join(parts, "; "));
    for (auto& c : line) {
        if (c == '\n' || c == '|') {
            c = ' ';
        }
    }
    out << line;
    if (!perf.empty()) {
        out << " | " << fmt::format("{}", fmt::join(perf, " "));
    }
    out << '\n';
}

void write_junit(const RunReport& report, const core::Zone& zone, std::ostream& out) {
    std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
    double time = 0;
    for (const auto& run : report.runs) {
        for (const auto& r : run.results) {
            ++tests;
            failures += r.status && (*r.status == k_warning || *r.status == k_critical) ? 1 : 0;
            errors += r.status && *r.status == k_unknown ? 1 : 0;
            skipped += r.status ? 0 : 1;
        }
        time = std::max(time, run.seconds);
    }
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << fmt::format("<testsuites name=\"opsctl inspect\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
                       "time=\"{}\">\n",
                       tests, failures, errors, skipped, seconds_text(time));
    for (const auto& run : report.runs) {
        std::size_t f = 0, e = 0, s = 0;
        for (const auto& r : run.results) {
            f += r.status && (*r.status == k_warning || *r.status == k_critical) ? 1 : 0;
            e += r.status && *r.status == k_unknown ? 1 : 0;
            s += r.status ? 0 : 1;
        }
        const std::string stamp = core::format_time(run.started_at, zone).substr(0, 19);
        out << fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
                           "time=\"{}\" timestamp=\"{}\">\n",
                           xml(run.checklist), run.results.size(), f, e, s, seconds_text(run.seconds), stamp);
        for (const auto& r : run.results) {
            out << fmt::format("    <testcase classname=\"{}.{}\" name=\"{}\" time=\"{}\"", xml(run.checklist),
                               xml(r.target), xml(r.item), seconds_text(static_cast<double>(r.duration_ms) / 1000.0));
            if (r.status && *r.status == k_ok) {
                out << "/>\n";
                continue;
            }
            out << ">\n";
            if (!r.status) {
                out << fmt::format("      <skipped message=\"{}\"/>\n", xml(r.message));
            } else if (*r.status == k_unknown) {
                out << fmt::format("      <error type=\"UNKNOWN\" message=\"{}\">{}</error>\n", xml(r.message),
                                   xml(r.perfdata));
            } else {
                out << fmt::format("      <failure type=\"{}\" message=\"{}\">{}</failure>\n", status_name(r.status),
                                   xml(r.message), xml(r.perfdata));
            }
            out << "    </testcase>\n";
        }
        out << "  </testsuite>\n";
    }
    out << "</testsuites>\n";
}

} // namespace opsctl::inspect
