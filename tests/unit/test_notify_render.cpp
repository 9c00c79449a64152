// Messages from templates: defaults, the policy's own, values escaped for the channel, the
// robots' signatures as their services document them, and mail headers.
#include "lib/notify/channel.hpp"
#include "lib/notify/render.hpp"

#include <doctest/doctest.h>

using namespace opsctl;

TEST_CASE("notify render: default ticket message in zh and en") {
    policy::NotifyPolicy p;
    const nlohmann::json data = {{"id", 42}, {"priority", "P1"}, {"title", "核心交换机宕机"}, {"status", "new"},
                                 {"assignee", nullptr}, {"asset", "SW-01"}, {"due", 1000 + 7200}};
    auto v = notify::template_values("ticket.created", data, "HQ", "2026-12-07T10:00:00+08:00", 1000, "zh");
    auto m = notify::render(p, "ticket.created", "zh", notify::Format::text, v);
    CHECK(m.title == "【P1】工单 #42 新建：核心交换机宕机");
    CHECK(m.text.find("SLA 剩余：2h") != std::string::npos);
    CHECK(m.text.find("资产：SW-01") != std::string::npos);
    CHECK(m.text.find("处理人：-") != std::string::npos);
    CHECK(m.text.find("opsctl ticket show 42") != std::string::npos);
    v = notify::template_values("ticket.created", data, "HQ", "", 1000 + 9000, "en");
    m = notify::render(p, "ticket.created", "en", notify::Format::text, v);
    CHECK(m.title == "[P1] Ticket #42 opened: 核心交换机宕机");
    CHECK(m.text.find("SLA left: overdue by 30m") != std::string::npos);
}

TEST_CASE("notify render: hostile values stay data") {
    policy::NotifyPolicy p;
    const nlohmann::json data = {{"id", 7}, {"priority", "P2"}, {"title", "x\r\nBcc: evil@example.com\n# [click](http://evil) <b>*"}};
    const auto v = notify::template_values("ticket.created", data, "HQ", "", 0, "en");
    SUBCASE("a title stays one line") {
        const auto m = notify::render(p, "ticket.created", "en", notify::Format::text, v);
        CHECK(m.title.find('\n') == std::string::npos);
        CHECK(m.title.find('\r') == std::string::npos);
    }
    SUBCASE("Markdown and HTML are inert in a robot's message") {
        const auto m = notify::render(p, "ticket.created", "en", notify::Format::markdown, v);
        CHECK(m.title.find("\\[click\\]\\(http://evil\\)") != std::string::npos);
        CHECK(m.title.find("&lt;b&gt;\\*") != std::string::npos);
        CHECK(m.title.find("\\# ") != std::string::npos);
        CHECK(m.title.find('\n') == std::string::npos);
    }
    SUBCASE("a mail subject cannot start another header") {
        const auto h = notify::encode_header(v.at("title"));
        CHECK(h.find('\n') == std::string::npos);
        CHECK(h.find('\r') == std::string::npos);
    }
}

TEST_CASE("notify render: the policy's template, cut to the limits") {
    policy::NotifyPolicy p;
    p.templates["backup.failed"]["en"] = {"Backup {{job}} broke", "{{error}}", {}};
    auto v = notify::template_values("backup.failed", {{"job", "db"}, {"error", std::string(5000, 'e')}}, "HQ", "", 0, "en");
    const auto m = notify::render(p, "backup.failed", "en", notify::Format::text, v);
    CHECK(m.title == "Backup db broke");
    CHECK(m.text.size() <= 3500);
    CHECK(notify::cut("值班值班", 7) == "值…"); // never half a character
}

TEST_CASE("notify channel: signatures as DingTalk and Feishu document them") {
    // Both computed independently with Python's hmac, hashlib and base64.
    CHECK(notify::dingtalk_sign(1700000000000, "SECabc123") == "N5P09a4%2Bp1AMJIJWnIvQd2Yxw9%2Bfu%2FoEBnPrjCcsLXk%3D");
    CHECK(notify::feishu_sign(1700000000, "SECabc123") == "UqhI0v4zAkSwI4hNYBuHQvnrAqshA0UaeBGHCUMPX70=");
}

TEST_CASE("notify channel: mail headers in RFC 2047") {
    CHECK(notify::encode_header("disk full") == "disk full");
    CHECK(notify::encode_header("备份失败") == "=?UTF-8?B?5aSH5Lu95aSx6LSl?=");
    const std::string long_subject(30, 'x');
    const auto h = notify::encode_header(long_subject + "备份失败备份失败备份失败备份失败");
    // Folded into encoded words of at most 75 characters, each on its own line.
    for (std::size_t start = 0; start < h.size();) {
        auto end = h.find("\r\n ", start);
        const auto word = h.substr(start, end == std::string::npos ? std::string::npos : end - start);
        CHECK(word.size() <= 75);
        CHECK(word.starts_with("=?UTF-8?B?"));
        start = end == std::string::npos ? h.size() : end + 3;
    }
    policy::NotifyChannel c;
    c.from = "opsctl@example.com";
    c.to = {"ops@example.com", "lead@example.com"};
    const auto mail = notify::mail_message(c, "备份失败", "line 1\n.\nline 3", "abc123", 0);
    CHECK(mail.find("To: ops@example.com, lead@example.com\r\n") != std::string::npos);
    CHECK(mail.find("Message-ID: <abc123@example.com>\r\n") != std::string::npos);
    CHECK(mail.find("\r\n.\r\n") == std::string::npos); // a lone dot would end the DATA
}
