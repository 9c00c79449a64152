#pragma once
// Sending one rendered message to one built-in channel through libcurl: the group robots of
// WeCom, DingTalk (signed URL) and Feishu (signed body), a JSON webhook, and mail over SMTP.
// Secrets are read when sending, from the file or environment variable the policy names, and
// are cut out of every error this returns.

#include "lib/policy/notify.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace opsctl::notify {

/// What became of one send.
struct SendResult {
    bool ok = false;
    std::string error; // why it failed, one line, no secret in it
};

/// Sends `payload` ({"title", "text", ...} as rendered when queued) to `channel` within
/// `timeout_ms`; `key` is the message's idempotency key (the webhook's Idempotency-Key header,
/// the mail's Message-ID); `now` signs the robots' requests. Never throws.
SendResult send_message(const policy::NotifyChannel& channel, const nlohmann::json& payload, const std::string& key,
                        std::int64_t now, long timeout_ms);

/// The secret `ref` names: the content of a 0600 file, or an environment variable; throws
/// DataError naming the place (never the value) when it cannot be read or is empty.
std::string read_secret(const policy::SecretRef& ref);

/// DingTalk's signature of `timestamp_ms`: Base64 of HMAC-SHA256 under `secret` of
/// "<timestamp>\n<secret>", percent-encoded for the URL's `sign` parameter.
std::string dingtalk_sign(std::int64_t timestamp_ms, const std::string& secret);

/// Feishu's signature of `timestamp` (seconds): Base64 of HMAC-SHA256 of an empty message
/// under the key "<timestamp>\n<secret>", for the body's `sign` field.
std::string feishu_sign(std::int64_t timestamp, const std::string& secret);

/// `subject` as a mail header value: on one line, and in RFC 2047 encoded words ("=?UTF-8?B?...?=",
/// folded) when it is not plain ASCII.
std::string encode_header(const std::string& subject);

/// The whole mail (headers, a blank line, the body in Base64) as it goes over SMTP.
std::string mail_message(const policy::NotifyChannel& channel, const std::string& subject, const std::string& body,
                         const std::string& message_id, std::int64_t now);

} // namespace opsctl::notify
