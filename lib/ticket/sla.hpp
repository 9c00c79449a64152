#pragma once
// SLA clocks of a ticket, recomputed from its events history on the business calendar.

#include "lib/core/calendar.hpp"
#include "lib/policy/sla.hpp"
#include "lib/policy/tickets.hpp"
#include "lib/store/events.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace opsctl::ticket {

/// The type and priority a ticket had from some instant on (they choose its SLA rule).
struct SlaKey {
    std::int64_t since = 0;
    std::string type, priority;
};

/// What the SLA clocks need from a ticket's history: when it began, which state it was in
/// from when, when it was first answered, and which type and priority it had when.
struct Timeline {
    std::int64_t created_at = 0;
    std::vector<std::pair<std::int64_t, std::string>> states; // (since, state), oldest first
    std::optional<std::int64_t> responded_at;
    std::vector<SlaKey> keys; // oldest first; empty for an imported ticket
};

/// Builds the timeline from a ticket's events (oldest first). The first response is the first
/// act of a person towards the customer: a public comment, an assignment (`ticket assign`,
/// named or --auto), a ticket opened with an assignee by a person, or the first move out of the
/// initial state (move, resolve, close). Never an automatic event: an escalation or reassignment
/// by `ticket sla`, or the assignment of a ticket an automatic source (an inspection, any
/// ticket with a source key) opened. Internal comments are not responses either.
Timeline timeline_from_events(const std::vector<store::Event>& events, const policy::Workflow& workflow);

/// One stretch of a clock, for explaining it: counted time, or why nothing was counted.
struct ClockPiece {
    std::int64_t start = 0;
    std::int64_t end = 0;
    std::string state;
    std::int64_t counted = 0;
    std::string why; // "working hours", "make-up workday 国庆节调休", "weekend", "paused: 等待客户", ...
};

/// One SLA clock (response or resolution) as of some instant.
struct SlaClock {
    std::string name;                 // "response" or "resolution"
    policy::SlaClockKind kind = policy::SlaClockKind::business;
    std::optional<std::int64_t> target; // seconds on the clock; nullopt = no target (see ClockSetup::rules)
    std::int64_t workday_secs = 0;      // one working day of the calendar on a business clock; 0 on 24x7
    std::int64_t elapsed = 0;           // counted on the clock's kind
    std::int64_t business_elapsed = 0;  // counted on the business calendar, whatever the kind
    std::int64_t paused = 0;            // wall seconds spent in pause states
    bool stopped = false;               // answered / resolved
    std::optional<std::int64_t> stopped_at;
    bool paused_now = false;
    std::optional<std::int64_t> due_at; // when the target is (or was) reached; nullopt while paused
    bool breached = false;
    std::vector<ClockPiece> pieces;     // filled only when asked to explain

    /// Share of the target used (elapsed / target); 0 without a target.
    double used() const;
    /// "met", "breached", "paused", "running", "none" (no target).
    std::string state() const;
};

/// What the clocks are measured against.
struct ClockSetup {
    const policy::Workflow& workflow;
    const policy::SlaRule* rule; // nullptr: no targets
    const core::BusinessCalendar& calendar;
    std::int64_t now = 0;
    bool explain = false;
    /// The rule in force from each instant the type or priority changed, oldest first (the
    /// first is the creation). With two or more, the target follows the priority-change rule:
    /// a stricter target counts from the change (the time already used plus the new target),
    /// unless the old due time is sooner; a looser one applies from creation; a clock already
    /// past its target at the change keeps that target. So a change never breaches at the
    /// moment it is made, and never ends a breach. Empty: `rule` throughout.
    std::vector<std::pair<std::int64_t, const policy::SlaRule*>> rules = {};
};

/// The first-response clock: runs from creation to the first response, pausing in pause states.
SlaClock response_clock(const Timeline& timeline, const ClockSetup& setup);
/// The resolution clock: runs while the ticket is in a state that is neither a pause, resolved
/// nor final; reopening starts it again from the time already counted.
SlaClock resolution_clock(const Timeline& timeline, const ClockSetup& setup);

/// A target on a clock in seconds: business seconds ("2d" = two working days) or wall seconds.
std::int64_t target_seconds(const core::Duration& d, policy::SlaClockKind kind, const core::BusinessCalendar& cal);

} // namespace opsctl::ticket
