#pragma once
// IANA time zones, honoured whatever the machine's TZ is.

#include "lib/core/date.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace opsctl::core {

/// A wall-clock reading in some zone.
struct CivilTime {
    Date date;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int utc_offset = 0; // seconds east of UTC in force at that instant
    int seconds_of_day() const { return hour * 3600 + minute * 60 + second; }
};

/// An IANA time zone (e.g. "Asia/Shanghai"), read from the system tz database.
class Zone {
public:
    /// UTC.
    Zone();
    /// Loads a zone by IANA name; throws ConfigError for an unknown name.
    explicit Zone(std::string name);

    const std::string& name() const { return m_name; }
    /// The local wall-clock reading of a Unix time.
    CivilTime to_civil(std::int64_t unix_time) const;
    /// The Unix time of a local wall-clock reading. In a DST gap the reading is moved
    /// forward by the gap; in an overlap the earlier instant is chosen.
    std::int64_t from_civil(const Date& date, int seconds_of_day = 0) const;
    /// The local date of a Unix time.
    Date date_of(std::int64_t unix_time) const { return to_civil(unix_time).date; }
    /// The Unix time at which a local date begins.
    std::int64_t start_of(const Date& date) const { return from_civil(date, 0); }
    /// True when the name is a zone the system knows.
    static bool exists(const std::string& name);
    /// Seconds east of UTC in force at an instant.
    int offset_at(std::int64_t unix_time) const;

    struct Data; // the zone's transitions, shared between copies

private:
    std::string m_name;
    std::shared_ptr<const Data> m_data;
};

} // namespace opsctl::core
