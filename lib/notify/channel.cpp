#include "lib/notify/channel.hpp"

#include "lib/core/error.hpp"
#include "lib/notify/render.hpp"
#include "lib/util/curl.hpp"
#include "lib/util/hmac.hpp"
#include "lib/util/secret.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <vector>

#include <unistd.h>

namespace opsctl::notify {

namespace {

std::string digest_text(const std::array<std::uint8_t, 32>& d) {
    return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

size_t collect_body(char* data, size_t size, size_t n, void* user) {
    auto* body = static_cast<std::string*>(user);
    const size_t len = size * n;
    constexpr size_t k_cap = 64 * 1024; // a robot's answer is a line of JSON; the rest is dropped
    if (body->size() < k_cap) {
        body->append(data, std::min(len, k_cap - body->size()));
    }
    return len;
}

// The mail as curl reads it for the SMTP DATA command.
struct Upload {
    const std::string* text;
    std::size_t pos = 0;
};

size_t read_upload(char* buffer, size_t size, size_t n, void* user) {
    auto* up = static_cast<Upload*>(user);
    const size_t len = std::min(size * n, up->text->size() - up->pos);
    std::copy_n(up->text->data() + up->pos, len, buffer);
    up->pos += len;
    return len;
}

// Everything a send knows that must never be shown: cut out of each error.
struct Secrets {
    std::vector<std::string> values;
    std::string scrub(std::string text) const {
        for (const auto& s : values) {
            text = util::redact(text, s);
            // The same secret as it appears in a URL.
            text = util::redact(text, util::percent_encode(s));
        }
        return cut(one_line(text), 300);
    }
};

struct CurlHandle {
    const util::Curl& api;
    CURL* curl;
    curl_slist* headers = nullptr;
    curl_slist* recipients = nullptr;
    ~CurlHandle() {
        if (headers) {
            api.slist_free_all(headers);
        }
        if (recipients) {
            api.slist_free_all(recipients);
        }
        if (curl) {
            api.easy_cleanup(curl);
        }
    }
};

// The robots answer HTTP 200 with an error code in the body: {"errcode": 0} for WeCom and
// DingTalk, {"code": 0} (or the older {"StatusCode": 0}) for Feishu.
std::string robot_error(const std::string& type, const std::string& body) {
    const auto j = nlohmann::json::parse(body, nullptr, false);
    if (!j.is_object()) {
        return type == "webhook" ? std::string() : "the answer is not JSON";
    }
    for (const char* code_key : {"errcode", "code", "StatusCode"}) {
        if (j.contains(code_key) && j[code_key].is_number_integer()) {
            const auto code = j[code_key].get<long long>();
            if (code == 0) {
                return {};
            }
            std::string msg;
            for (const char* msg_key : {"errmsg", "msg", "StatusMessage"}) {
                if (j.contains(msg_key) && j[msg_key].is_string()) {
                    msg = j[msg_key].get<std::string>();
                }
            }
            return fmt::format("the robot answered {} {}{}{}", code_key, code, msg.empty() ? "" : ": ", msg);
        }
    }
    return {};
}

std::string rfc5322_date(std::int64_t now) {
    const std::time_t t = static_cast<std::time_t>(now);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    return buf;
}

SendResult perform(CurlHandle& h, const Secrets& secrets, const std::string& type, bool http) {
    std::string body;
    char errbuf[CURL_ERROR_SIZE] = {0};
    h.api.easy_setopt(h.curl, CURLOPT_ERRORBUFFER, errbuf);
    h.api.easy_setopt(h.curl, CURLOPT_NOSIGNAL, 1L);
    if (http) {
        h.api.easy_setopt(h.curl, CURLOPT_WRITEFUNCTION, collect_body);
        h.api.easy_setopt(h.curl, CURLOPT_WRITEDATA, &body);
        h.api.easy_setopt(h.curl, CURLOPT_USERAGENT, "opsctl-notify");
    }
    const CURLcode rc = h.api.easy_perform(h.curl);
    if (rc != CURLE_OK) {
        return {false, secrets.scrub(errbuf[0] ? errbuf : h.api.easy_strerror(rc))};
    }
    if (!http) {
        return {true, {}};
    }
    long code = 0;
    h.api.easy_getinfo(h.curl, CURLINFO_RESPONSE_CODE, &code);
    if (code < 200 || code > 299) {
        return {false, secrets.scrub(fmt::format("HTTP status {}", code))};
    }
    if (auto e = robot_error(type, body); !e.empty()) {
        return {false, secrets.scrub(e)};
    }
    return {true, {}};
}

} // namespace

std::string read_secret(const policy::SecretRef& ref) {
    std::string value;
    if (!ref.file.empty()) {
        value = util::read_secret_file(ref.file);
    } else {
        const char* env = std::getenv(ref.env.c_str());
        if (!env) {
            throw DataError(fmt::format("environment variable '{}' is not set", ref.env));
        }
        value = env;
    }
    if (value.empty()) {
        throw DataError(fmt::format("{} is empty", ref.describe()));
    }
    if (std::any_of(value.begin(), value.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
        throw DataError(fmt::format("{} holds a control character", ref.describe()));
    }
    return value;
}

std::string dingtalk_sign(std::int64_t timestamp_ms, const std::string& secret) {
    const std::string to_sign = fmt::format("{}\n{}", timestamp_ms, secret);
    return util::percent_encode(util::base64(digest_text(util::hmac_sha256(secret, to_sign))));
}

std::string feishu_sign(std::int64_t timestamp, const std::string& secret) {
    const std::string key = fmt::format("{}\n{}", timestamp, secret);
    return util::base64(digest_text(util::hmac_sha256(key, "")));
}

std::string encode_header(const std::string& subject) {
    const std::string line = one_line(subject);
    if (std::all_of(line.begin(), line.end(), [](unsigned char c) { return c >= 0x20 && c < 0x7f; })) {
        return line;
    }
    // Encoded words of at most 75 characters (RFC 2047 2): 45 bytes of text each, cut only
    // between UTF-8 characters (6.3), folded onto continuation lines.
    std::string out;
    std::size_t i = 0;
    while (i < line.size()) {
        std::size_t end = std::min(line.size(), i + 45);
        while (end < line.size() && end > i && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) {
            --end;
        }
        if (!out.empty()) {
            out += "\r\n ";
        }
        out += "=?UTF-8?B?" + util::base64(std::string_view(line).substr(i, end - i)) + "?=";
        i = end;
    }
    return out;
}

std::string mail_message(const policy::NotifyChannel& channel, const std::string& subject, const std::string& body,
                         const std::string& message_id, std::int64_t now) {
    std::string to;
    for (const auto& a : channel.to) {
        to += (to.empty() ? "" : ", ") + a;
    }
    const auto domain = channel.from.substr(channel.from.find('@') + 1);
    std::string m;
    m += "Date: " + rfc5322_date(now) + "\r\n";
    m += "From: " + channel.from + "\r\n";
    m += "To: " + to + "\r\n";
    m += "Subject: " + encode_header(subject) + "\r\n";
    m += "Message-ID: <" + message_id + "@" + domain + ">\r\n";
    m += "MIME-Version: 1.0\r\n";
    m += "Content-Type: text/plain; charset=UTF-8\r\n";
    m += "Content-Transfer-Encoding: base64\r\n";
    m += "Auto-Submitted: auto-generated\r\n";
    m += "\r\n";
    // Base64 in lines of 76: no line of the body can end the DATA or be read as a header.
    std::string normalized;
    for (const char c : body) {
        if (c == '\n') {
            normalized += "\r\n";
        } else if (c != '\r') {
            normalized += c;
        }
    }
    const std::string encoded = util::base64(normalized);
    for (std::size_t i = 0; i < encoded.size(); i += 76) {
        m += encoded.substr(i, 76) + "\r\n";
    }
    return m;
}

SendResult send_message(const policy::NotifyChannel& c, const nlohmann::json& payload, const std::string& key,
                        std::int64_t now, long timeout_ms) {
    Secrets secrets;
    try {
        const util::Curl& api = util::curl_api();
        const std::string title = payload.value("title", "");
        const std::string text = payload.value("text", "");
        CurlHandle h{api, api.easy_init()};
        if (!h.curl) {
            return {false, "cannot start libcurl"};
        }
        api.easy_setopt(h.curl, CURLOPT_TIMEOUT_MS, timeout_ms);
        api.easy_setopt(h.curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
        if (!c.ca_file.empty()) {
            // The channel's own certificate authorities, in place of the system's; the peer and
            // its name are verified against them as ever.
            if (::access(c.ca_file.c_str(), R_OK) != 0) {
                return {false, fmt::format("cannot read ca_file '{}': {}", c.ca_file, std::strerror(errno))};
            }
            api.easy_setopt(h.curl, CURLOPT_CAINFO, c.ca_file.c_str());
            api.easy_setopt(h.curl, CURLOPT_CAPATH, static_cast<const char*>(nullptr));
        }
        if (c.type == "mail") {
            std::string password;
            if (c.password.set()) {
                password = read_secret(c.password);
                secrets.values.push_back(password);
            }
            const std::string mail = mail_message(c, title, text, key, now);
            Upload up{&mail};
            const std::string from = "<" + c.from + ">";
            for (const auto& a : c.to) {
                h.recipients = api.slist_append(h.recipients, ("<" + a + ">").c_str());
            }
            api.easy_setopt(h.curl, CURLOPT_URL, c.url.c_str());
            api.easy_setopt(h.curl, CURLOPT_MAIL_FROM, from.c_str());
            api.easy_setopt(h.curl, CURLOPT_MAIL_RCPT, h.recipients);
            api.easy_setopt(h.curl, CURLOPT_READFUNCTION, read_upload);
            api.easy_setopt(h.curl, CURLOPT_READDATA, &up);
            api.easy_setopt(h.curl, CURLOPT_UPLOAD, 1L);
            api.easy_setopt(h.curl, CURLOPT_USE_SSL,
                            static_cast<long>(c.tls == "none" ? CURLUSESSL_NONE : CURLUSESSL_ALL));
            if (!c.user.empty()) {
                api.easy_setopt(h.curl, CURLOPT_USERNAME, c.user.c_str());
                api.easy_setopt(h.curl, CURLOPT_PASSWORD, password.c_str());
            }
            return perform(h, secrets, c.type, false);
        }

        std::string url = c.url;
        nlohmann::json body;
        std::string token;
        if (c.key.set()) {
            token = read_secret(c.key);
            secrets.values.push_back(token);
        }
        std::string secret;
        if (c.secret.set()) {
            secret = read_secret(c.secret);
            secrets.values.push_back(secret);
        }
        const char sep = url.find('?') == std::string::npos ? '?' : '&';
        if (c.type == "wecom") {
            // https://developer.work.weixin.qq.com/document/path/91770
            url += sep + std::string("key=") + util::percent_encode(token);
            body = {{"msgtype", "markdown"}, {"markdown", {{"content", "**" + title + "**\n\n" + text}}}};
        } else if (c.type == "dingtalk") {
            // https://open.dingtalk.com/document/robots/customize-robot-security-settings
            url += sep + std::string("access_token=") + util::percent_encode(token);
            if (!secret.empty()) {
                const std::int64_t ms = now * 1000;
                url += fmt::format("&timestamp={}&sign={}", ms, dingtalk_sign(ms, secret));
            }
            body = {{"msgtype", "markdown"}, {"markdown", {{"title", title}, {"text", "#### " + title + "\n\n" + text}}}};
        } else if (c.type == "feishu") {
            // https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
            url += (url.ends_with("/") ? "" : "/") + util::percent_encode(token);
            body = {{"msg_type", "text"}, {"content", {{"text", title + "\n" + text}}}};
            if (!secret.empty()) {
                body["timestamp"] = std::to_string(now);
                body["sign"] = feishu_sign(now, secret);
            }
        } else {
            body = payload;
            body["idempotency_key"] = key;
        }
        const std::string data = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        h.headers = api.slist_append(h.headers, "Content-Type: application/json; charset=utf-8");
        if (c.type == "webhook") {
            h.headers = api.slist_append(h.headers, ("Idempotency-Key: " + key).c_str());
            if (!token.empty()) {
                h.headers = api.slist_append(h.headers, ("Authorization: Bearer " + token).c_str());
            }
        }
        api.easy_setopt(h.curl, CURLOPT_URL, url.c_str());
        api.easy_setopt(h.curl, CURLOPT_HTTPHEADER, h.headers);
        api.easy_setopt(h.curl, CURLOPT_POSTFIELDS, data.c_str());
        api.easy_setopt(h.curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(data.size()));
        return perform(h, secrets, c.type, true);
    } catch (const Error& e) {
        return {false, secrets.scrub(e.hint().empty() ? e.what() : fmt::format("{} ({})", e.what(), e.hint()))};
    } catch (const std::exception& e) {
        return {false, secrets.scrub(e.what())};
    }
}

} // namespace opsctl::notify
