#include "lib/ticket/known_error.hpp"

#include "lib/context/audit.hpp"
#include "lib/core/error.hpp"
#include "lib/store/ticket_repo.hpp"
#include "lib/util/text.hpp"
#include "lib/util/unicode.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>

namespace opsctl::ticket {

namespace {

// A field of a few screens at most: a known error is read at the terminal.
constexpr std::size_t k_max_field_bytes = 64 * 1024;

// The field's text, trimmed; DataError naming the option when it is empty (and required),
// too long, not UTF-8 or holds control characters other than newline and tab.
std::string checked_field(const std::string& text, const char* option, bool required) {
    std::string value(util::trim(text));
    if (required && value.empty()) {
        throw DataError(fmt::format("{} is empty", option), "a known error needs a symptom, a cause and a workaround");
    }
    if (value.size() > k_max_field_bytes) {
        throw DataError(fmt::format("{} is {} bytes long", option, value.size()),
                        fmt::format("keep it under {} KiB", k_max_field_bytes / 1024));
    }
    if (!util::is_valid_utf8(value)) {
        throw DataError(fmt::format("{} is not UTF-8 text", option));
    }
    const bool control = std::any_of(value.begin(), value.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\n' && c != '\t') || u == 0x7f;
    });
    if (control) {
        throw DataError(fmt::format("{} holds a control character", option), "use plain text; newlines are fine");
    }
    return value;
}

store::KnownErrorRow load(Context& ctx, std::int64_t id) {
    auto row = store::find_known_error(ctx.db, id);
    if (!row) {
        throw NotFound(fmt::format("no known error {}", known_error_name(id)), "opsctl kb list shows them");
    }
    return *row;
}

// The runs of three characters of `text`, lower-cased (ASCII), without blanks.
std::set<std::string> trigram_set(const std::string& text) {
    const std::string lower = util::to_lower(text);
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i < lower.size(); ++i) {
        if ((static_cast<unsigned char>(lower[i]) & 0xC0) != 0x80) {
            starts.push_back(i);
        }
    }
    starts.push_back(lower.size());
    std::set<std::string> out;
    for (std::size_t i = 0; i + 3 < starts.size(); ++i) {
        std::string gram = lower.substr(starts[i], starts[i + 3] - starts[i]);
        if (gram.find_first_of(" \t\r\n") == std::string::npos) {
            out.insert(std::move(gram));
        }
    }
    return out;
}

} // namespace

std::string known_error_name(std::int64_t id) { return fmt::format("KE-{}", id); }

std::int64_t parse_known_error_id(const std::string& word) {
    std::string_view digits = word;
    if (digits.size() > 3 && (digits.substr(0, 3) == "KE-" || digits.substr(0, 3) == "ke-")) {
        digits.remove_prefix(3);
    }
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || id <= 0) {
        throw UsageError(fmt::format("'{}' is not a known error id", word), "known errors are named KE-1, KE-2, ...");
    }
    return id;
}

store::KnownErrorRow publish_known_error(Context& ctx, std::int64_t problem_id, const KnownErrorText& text) {
    store::KnownErrorRow row;
    row.symptom = checked_field(text.symptom.value_or(""), "--symptom", true);
    row.cause = checked_field(text.cause.value_or(""), "--cause", true);
    row.workaround = checked_field(text.workaround.value_or(""), "--workaround", true);
    row.fix = checked_field(text.fix.value_or(""), "--fix", false);
    std::string title = text.title ? checked_field(*text.title, "--title", true) : std::string();
    store::WriteTransaction tx(ctx.db);
    const auto problem = store::find_ticket(ctx.db, problem_id);
    if (!problem) {
        throw NotFound(fmt::format("no ticket {}", problem_id));
    }
    const auto& types = ctx.policy.report.problem_types;
    if (std::find(types.begin(), types.end(), problem->type) == types.end()) {
        throw DataError(fmt::format("ticket {} is of type '{}', not a problem", problem_id, problem->type),
                        fmt::format("known errors are published from tickets of type {} (report.problem_types)",
                                    util::join(types, ", ")));
    }
    row.problem_id = problem_id;
    row.title = title.empty() ? problem->title : title;
    row.created_at = row.updated_at = ctx.now;
    row.id = store::insert_known_error(ctx.db, row);
    nlohmann::json fields = {{"problem", problem_id}, {"title", row.title},         {"symptom", row.symptom},
                             {"cause", row.cause},    {"workaround", row.workaround}};
    if (!row.fix.empty()) {
        fields["fix"] = row.fix;
    }
    audit::record(ctx, "known_error", std::to_string(row.id), "published", std::move(fields));
    // The problem's own history says so too.
    audit::record(ctx, "ticket", std::to_string(problem_id), "published-known-error",
                  {{"known_error", known_error_name(row.id)}});
    tx.commit();
    return row;
}

store::KnownErrorRow edit_known_error(Context& ctx, std::int64_t id, const KnownErrorText& c) {
    struct Change {
        const std::optional<std::string>& value;
        const char* option;
        const char* key;
        std::string store::KnownErrorRow::*field;
        bool required;
    };
    const Change changes[] = {
        {c.title, "--title", "title", &store::KnownErrorRow::title, true},
        {c.symptom, "--symptom", "symptom", &store::KnownErrorRow::symptom, true},
        {c.cause, "--cause", "cause", &store::KnownErrorRow::cause, true},
        {c.workaround, "--workaround", "workaround", &store::KnownErrorRow::workaround, true},
        {c.fix, "--fix", "fix", &store::KnownErrorRow::fix, false},
    };
    std::vector<std::pair<const Change*, std::string>> values;
    for (const auto& ch : changes) {
        if (ch.value) {
            values.emplace_back(&ch, checked_field(*ch.value, ch.option, ch.required));
        }
    }
    if (values.empty()) {
        throw UsageError("nothing to change", "pass --title, --symptom, --cause, --workaround or --fix");
    }
    store::WriteTransaction tx(ctx.db);
    auto row = load(ctx, id);
    if (row.status == "retired") {
        throw DataError(fmt::format("known error {} is retired", known_error_name(id)),
                        "publish a new one from its problem instead");
    }
    nlohmann::json fields = nlohmann::json::object();
    for (auto& [ch, value] : values) {
        std::string& current = row.*(ch->field);
        if (current != value) {
            fields[ch->key] = {current, value};
            current = value;
        }
    }
    if (fields.empty()) {
        throw DataError(fmt::format("known error {} already says that", known_error_name(id)), "nothing was changed");
    }
    row.updated_at = ctx.now;
    store::save_known_error(ctx.db, row);
    audit::record(ctx, "known_error", std::to_string(id), "updated", std::move(fields));
    tx.commit();
    return row;
}

store::KnownErrorRow retire_known_error(Context& ctx, std::int64_t id, const std::string& reason) {
    const std::string why = checked_field(reason, "--reason", false);
    store::WriteTransaction tx(ctx.db);
    auto row = load(ctx, id);
    if (row.status == "retired") {
        throw DataError(fmt::format("known error {} is retired already", known_error_name(id)));
    }
    row.status = "retired";
    row.retired_at = ctx.now;
    row.retire_reason = why;
    row.updated_at = ctx.now;
    store::save_known_error(ctx.db, row);
    nlohmann::json fields = {{"status", {"published", "retired"}}};
    if (!why.empty()) {
        fields["reason"] = why;
    }
    audit::record(ctx, "known_error", std::to_string(id), "retired", std::move(fields));
    tx.commit();
    return row;
}

KnownErrorDetail known_error_detail(Context& ctx, std::int64_t id) {
    KnownErrorDetail d;
    d.row = load(ctx, id);
    if (const auto problem = store::find_ticket(ctx.db, d.row.problem_id)) {
        d.problem_title = problem->title;
    }
    d.history = store::events_for(ctx.db, "known_error", std::to_string(id));
    return d;
}

std::vector<store::KnownErrorRow> list_known_errors(Context& ctx, const store::KnownErrorQuery& query) {
    return store::query_known_errors(ctx.db, query);
}

std::vector<store::KnownErrorRow> matching_known_errors(Context& ctx, const std::string& title, std::size_t limit) {
    const auto wanted = trigram_set(title);
    if (wanted.size() < 2 || limit == 0) {
        return {};
    }
    // The index's likeliest candidates, scored here the same way on either engine: how many
    // of the title's trigrams each one holds.
    std::vector<std::pair<std::size_t, store::KnownErrorRow>> scored;
    for (auto& row : store::related_known_errors(ctx.db, title, 50)) {
        const auto have = trigram_set(row.title + '\n' + row.symptom + '\n' + row.cause + '\n' + row.workaround +
                                      '\n' + row.fix);
        std::size_t shared = 0;
        for (const auto& g : wanted) {
            shared += have.count(g);
        }
        if (shared >= 2) {
            scored.emplace_back(shared, std::move(row));
        }
    }
    std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<store::KnownErrorRow> out;
    for (auto& s : scored) {
        if (out.size() == limit) {
            break;
        }
        out.push_back(std::move(s.second));
    }
    return out;
}

std::optional<store::KnownErrorRow> known_error_of_ticket(Context& ctx, std::int64_t ticket_id) {
    if (const auto id = store::ticket_known_error(ctx.db, ticket_id)) {
        return store::find_known_error(ctx.db, *id);
    }
    return std::nullopt;
}

void require_published_known_error(Context& ctx, std::int64_t id) {
    const auto row = load(ctx, id);
    if (row.status != "published") {
        throw DataError(fmt::format("known error {} is retired", known_error_name(id)),
                        "opsctl kb list shows the published ones");
    }
}

} // namespace opsctl::ticket
