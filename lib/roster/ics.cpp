#include "lib/roster/ics.hpp"

#include "lib/core/date.hpp"

#include <fmt/format.h>

namespace opsctl::roster {

namespace {

std::string utc_stamp(std::int64_t t) {
    const std::int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    const std::int64_t secs = t - days * 86400;
    const core::Date d = core::civil_from_days(days);
    return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", d.year, d.month, d.day, secs / 3600, secs / 60 % 60,
                       secs % 60);
}

// UIDs stay ASCII whatever the rotation is called (names may be Chinese).
std::string uid_part(std::string_view text) {
    std::string out;
    for (unsigned char c : text) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.') {
            out += static_cast<char>(c);
        } else {
            out += fmt::format("%{:02X}", c);
        }
    }
    return out;
}

std::string display_name(const policy::Policy& policy, const std::string& id) {
    const policy::Person* p = policy.person(id);
    return p && !p->name.empty() ? p->name : id;
}

} // namespace

std::string ics_escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case ';':
            out += "\\;";
            break;
        case ',':
            out += "\\,";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string ics_fold(std::string_view line) {
    std::string out;
    std::size_t pos = 0;
    std::size_t limit = 75; // the first line; continuation lines lose one octet to the space
    while (line.size() - pos > limit) {
        std::size_t cut = pos + limit;
        // Step back to the start of a UTF-8 sequence so no character is split.
        while (cut > pos && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) {
            --cut;
        }
        out.append(line.substr(pos, cut - pos));
        out += "\r\n ";
        pos = cut;
        limit = 74;
    }
    out.append(line.substr(pos));
    return out;
}

std::string to_ics(const std::vector<Duty>& duties, const policy::Policy& policy, std::int64_t stamp) {
    std::string out;
    auto line = [&](std::string_view text) {
        out += ics_fold(text);
        out += "\r\n";
    };
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//opsctl//roster//EN");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line("X-WR-CALNAME:" + ics_escape(policy.site.name + " roster"));
    const std::string now = utc_stamp(stamp);
    for (const auto& d : duties) {
        const std::string name = display_name(policy, d.person);
        std::string description = fmt::format("Rotation: {}\nShift: {}\nOn duty: {} ({})", d.rotation, d.shift, name,
                                              d.person);
        if (d.overridden) {
            description += fmt::format("\nOverride #{} in place of {} ({})", d.override_id,
                                       display_name(policy, d.scheduled), d.scheduled);
        }
        line("BEGIN:VEVENT");
        line(fmt::format("UID:{}-{}-{}@opsctl", utc_stamp(d.start), uid_part(d.rotation), uid_part(d.shift)));
        line("DTSTAMP:" + now);
        line("DTSTART:" + utc_stamp(d.start));
        line("DTEND:" + utc_stamp(d.end));
        line("SUMMARY:" + ics_escape(fmt::format("{} on duty ({}, {}){}", name, d.rotation, d.shift,
                                                 d.overridden ? " [override]" : "")));
        line("DESCRIPTION:" + ics_escape(description));
        line("CATEGORIES:" + ics_escape(d.rotation));
        line("TRANSP:TRANSPARENT");
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    return out;
}

} // namespace opsctl::roster
