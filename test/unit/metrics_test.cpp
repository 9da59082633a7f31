// SPDX-License-Identifier: BSL-1.0
// to_prometheus: the output is parsed line by line against the text exposition format's rules
// (HELP and TYPE once per family, before its samples; families contiguous; names and labels well
// formed, label values escaped; histograms cumulative, ending with +Inf equal to _count).
#include <finovy/metrics.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using namespace finovy;

namespace {

struct sample
{
    std::string name;
    std::vector<std::pair<std::string, std::string>> labels;   // unescaped values
    double value = 0;

    std::string label(const std::string& n) const
    {
        for (const auto& [k, v] : labels)
            if (k == n)
                return v;
        return "\x01missing";
    }
};

struct family
{
    std::string type, help;
    std::vector<sample> samples;
};

bool name_ok(const std::string& n, bool colon)
{
    if (n.empty())
        return false;
    for (std::size_t i = 0; i < n.size(); ++i)
    {
        char c = n[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':') ||
                  (i > 0 && c >= '0' && c <= '9');
        if (!ok)
            return false;
    }
    return true;
}

// The family a sample name belongs to, given the family's type.
bool belongs(const std::string& sample_name, const std::string& fam, const std::string& type)
{
    if (type == "histogram")
        return sample_name == fam + "_bucket" || sample_name == fam + "_sum" || sample_name == fam + "_count";
    return sample_name == fam;
}

// Parses the whole text, failing the test on any rule broken; returns the families by name.
std::map<std::string, family> parse(const std::string& text)
{
    std::map<std::string, family> fams;
    BOOST_TEST_REQUIRE(!text.empty());
    BOOST_TEST_REQUIRE(text.back() == '\n');
    std::string current;                   // the family whose lines come now
    std::set<std::string> closed;          // families whose lines are over: none may come back
    std::set<std::string> series;          // name + labels: no duplicates
    std::size_t pos = 0;
    int line_no = 0;
    while (pos < text.size())
    {
        auto nl = text.find('\n', pos);
        std::string line = text.substr(pos, nl - pos);
        pos = nl + 1;
        ++line_no;
        BOOST_TEST_INFO("line " << line_no << ": " << line);
        BOOST_TEST_REQUIRE(!line.empty());
        BOOST_TEST_REQUIRE(line.find('\r') == std::string::npos);
        if (line[0] == '#')
        {
            std::string kind = line.substr(0, 7);
            BOOST_TEST_REQUIRE((kind == "# HELP " || kind == "# TYPE "));
            auto sp = line.find(' ', 7);
            BOOST_TEST_REQUIRE(sp != std::string::npos);
            std::string name = line.substr(7, sp - 7);
            std::string rest = line.substr(sp + 1);
            BOOST_TEST_REQUIRE(name_ok(name, true));
            if (name != current)
            {
                BOOST_TEST_REQUIRE(!closed.count(name));   // a family's lines are contiguous
                if (!current.empty())
                    closed.insert(current);
                current = name;
            }
            auto& f = fams[name];
            if (kind == "# HELP ")
            {
                BOOST_TEST_REQUIRE(f.help.empty());   // once
                BOOST_TEST_REQUIRE(f.type.empty());   // before TYPE
                BOOST_TEST_REQUIRE(!rest.empty());
                f.help = rest;
            }
            else
            {
                BOOST_TEST_REQUIRE(f.type.empty());   // once
                BOOST_TEST_REQUIRE(f.samples.empty());   // before the samples
                BOOST_TEST_REQUIRE((rest == "counter" || rest == "gauge" || rest == "histogram" ||
                                    rest == "summary" || rest == "untyped"));
                f.type = rest;
            }
            continue;
        }
        sample s;
        std::size_t i = 0;
        while (i < line.size() && line[i] != '{' && line[i] != ' ')
            ++i;
        s.name = line.substr(0, i);
        BOOST_TEST_REQUIRE(name_ok(s.name, true));
        std::string key = s.name;
        if (i < line.size() && line[i] == '{')
        {
            ++i;
            std::set<std::string> seen;
            while (true)
            {
                auto eq = line.find('=', i);
                BOOST_TEST_REQUIRE(eq != std::string::npos);
                std::string lname = line.substr(i, eq - i);
                BOOST_TEST_REQUIRE(name_ok(lname, false));
                BOOST_TEST_REQUIRE(lname.rfind("__", 0) != 0);
                BOOST_TEST_REQUIRE(seen.insert(lname).second);   // no label twice
                i = eq + 1;
                BOOST_TEST_REQUIRE(line[i] == '"');
                ++i;
                std::string value;
                for (;; ++i)
                {
                    BOOST_TEST_REQUIRE(i < line.size());
                    char c = line[i];
                    if (c == '"')
                        break;
                    if (c == '\\')
                    {
                        ++i;
                        BOOST_TEST_REQUIRE(i < line.size());
                        BOOST_TEST_REQUIRE((line[i] == '\\' || line[i] == '"' || line[i] == 'n'));
                        value += line[i] == 'n' ? '\n' : line[i];
                    }
                    else
                        value += c;
                }
                ++i;   // the closing quote
                s.labels.emplace_back(lname, value);
                key += "|" + lname + "=" + value;
                BOOST_TEST_REQUIRE(i < line.size());
                if (line[i] == ',')
                {
                    ++i;
                    continue;
                }
                BOOST_TEST_REQUIRE(line[i] == '}');
                ++i;
                break;
            }
        }
        BOOST_TEST_REQUIRE(i < line.size());
        BOOST_TEST_REQUIRE(line[i] == ' ');
        std::string v = line.substr(i + 1);
        BOOST_TEST_REQUIRE(v.find(' ') == std::string::npos);   // no timestamp, one value
        if (v == "+Inf")
            s.value = INFINITY;
        else if (v == "-Inf")
            s.value = -INFINITY;
        else if (v == "NaN")
            s.value = NAN;
        else
        {
            std::size_t used = 0;
            s.value = std::stod(v, &used);
            BOOST_TEST_REQUIRE(used == v.size());
        }
        BOOST_TEST_REQUIRE(series.insert(key).second);   // no series twice
        BOOST_TEST_REQUIRE(!current.empty());           // a sample follows its family's TYPE
        auto& f = fams[current];
        BOOST_TEST_REQUIRE(!f.type.empty());
        BOOST_TEST_REQUIRE(belongs(s.name, current, f.type));
        f.samples.push_back(std::move(s));
    }
    for (const auto& [name, f] : fams)
    {
        BOOST_TEST_INFO("family " << name);
        BOOST_TEST(!f.help.empty());
        BOOST_TEST(!f.samples.empty());
        if (f.type == "counter")
        {
            BOOST_TEST(name.size() > 6);
            BOOST_TEST(name.substr(name.size() - 6) == "_total");
            for (const auto& s : f.samples)
                BOOST_TEST(s.value >= 0);
        }
    }
    return fams;
}

// Checks a histogram family's rules for each of its series (grouped by `by`); returns the
// series' _count values.
std::map<std::string, double> check_histogram(const family& f, const std::string& fam, const std::string& by)
{
    std::map<std::string, std::vector<const sample*>> buckets;
    std::map<std::string, double> sums, counts;
    for (const auto& s : f.samples)
    {
        auto key = s.label(by);
        if (s.name == fam + "_bucket")
            buckets[key].push_back(&s);
        else if (s.name == fam + "_sum")
            sums[key] = s.value;
        else if (s.name == fam + "_count")
            counts[key] = s.value;
    }
    for (const auto& [key, bs] : buckets)
    {
        BOOST_TEST_INFO("series " << key);
        BOOST_TEST_REQUIRE(bs.size() >= 2u);
        double last_le = -INFINITY, last_count = 0;
        for (const auto* b : bs)
        {
            auto le_text = b->label("le");
            double le = le_text == "+Inf" ? INFINITY : std::stod(le_text);
            BOOST_TEST(le > last_le);                 // ascending bounds
            BOOST_TEST(b->value >= last_count);       // cumulative
            last_le = le;
            last_count = b->value;
        }
        BOOST_TEST(bs.back()->label("le") == "+Inf");
        BOOST_TEST_REQUIRE(counts.count(key) == 1u);
        BOOST_TEST_REQUIRE(sums.count(key) == 1u);
        BOOST_TEST(counts[key] == bs.back()->value);
        BOOST_TEST(sums[key] >= 0);
    }
    BOOST_TEST(counts.size() == buckets.size());
    return counts;
}

client_stats sample_stats()
{
    client_stats s;
    s.calls = 20;
    s.attempts = 25;
    s.retries = 5;
    s.retries_denied = 1;
    s.connections_opened = 3;
    s.handshakes_full = 1;
    s.handshakes_resumed = 2;
    s.stale_connections = 1;
    s.token_fetches = 2;
    s.connections_idle = 2;
    s.connections_busy = 1;
    s.waiting_for_connection = 4;
    s.rate_limit = 12.5;
    s.throttled = 7;
    s.waiting_to_send = 3;
    s.waiting_to_send_background = 9;
    s.retry_budget = 480;
    auto& gh = s.operations[static_cast<std::size_t>(operation_id::get_host)];
    gh.calls = 6;
    gh.errors = 2;
    gh.latency = {1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3};   // 3 slower than 10 s
    gh.latency_sum = std::chrono::microseconds(31'512'000);
    auto& li = s.operations[static_cast<std::size_t>(operation_id::list_images)];
    li.calls = 1;
    li.latency[5] = 1;   // (0.1, 0.25]
    li.latency_sum = std::chrono::microseconds(120'000);
    return s;
}

double value_of(const family& f, const std::string& name, const std::string& label = {},
                const std::string& label_value = {})
{
    for (const auto& s : f.samples)
        if (s.name == name && (label.empty() || s.label(label) == label_value))
            return s.value;
    BOOST_FAIL("no sample " + name + " " + label + "=" + label_value);
    return 0;
}

}   // namespace

BOOST_AUTO_TEST_SUITE(prometheus)

BOOST_AUTO_TEST_CASE(format_rules_hold_and_values_are_right)
{
    auto text = to_prometheus(sample_stats());
    auto fams = parse(text);

    BOOST_TEST(value_of(fams.at("finovy_requests_total"), "finovy_requests_total") == 25);
    BOOST_TEST(value_of(fams.at("finovy_retries_total"), "finovy_retries_total") == 5);
    BOOST_TEST(value_of(fams.at("finovy_retries_denied_total"), "finovy_retries_denied_total") == 1);
    BOOST_TEST(value_of(fams.at("finovy_throttled_total"), "finovy_throttled_total") == 7);
    BOOST_TEST(fams.at("finovy_rate_limit_requests_per_second").type == "gauge");
    BOOST_TEST(value_of(fams.at("finovy_rate_limit_requests_per_second"), "finovy_rate_limit_requests_per_second") ==
               12.5);
    BOOST_TEST(value_of(fams.at("finovy_waiting_to_send"), "finovy_waiting_to_send", "lane", "background") == 9);
    BOOST_TEST(value_of(fams.at("finovy_retry_budget_tokens"), "finovy_retry_budget_tokens") == 480);
    BOOST_TEST(value_of(fams.at("finovy_connections"), "finovy_connections", "state", "idle") == 2);
    BOOST_TEST(value_of(fams.at("finovy_connections"), "finovy_connections", "state", "busy") == 1);
    BOOST_TEST(value_of(fams.at("finovy_waiting_for_connection"), "finovy_waiting_for_connection") == 4);
    BOOST_TEST(value_of(fams.at("finovy_connections_opened_total"), "finovy_connections_opened_total") == 3);
    BOOST_TEST(value_of(fams.at("finovy_tls_handshakes_total"), "finovy_tls_handshakes_total", "kind", "resumed") ==
               2);
    BOOST_TEST(value_of(fams.at("finovy_token_fetches_total"), "finovy_token_fetches_total") == 2);

    // Every operation of the client, zeros included.
    const auto st = sample_stats();
    const auto& calls = fams.at("finovy_calls_total");
    const auto& errors = fams.at("finovy_call_errors_total");
    BOOST_TEST(calls.type == "counter");
    BOOST_TEST(calls.samples.size() == operation_count);
    BOOST_TEST(errors.samples.size() == operation_count);
    for (std::size_t i = 0; i < operation_count; ++i)
    {
        auto name = std::string(operation_name(static_cast<operation_id>(i)));
        BOOST_TEST(value_of(calls, "finovy_calls_total", "operation", name) == st.operations[i].calls);
        BOOST_TEST(value_of(errors, "finovy_call_errors_total", "operation", name) == st.operations[i].errors);
    }

    const auto& h = fams.at("finovy_call_duration_seconds");
    BOOST_TEST(h.type == "histogram");
    auto counts = check_histogram(h, "finovy_call_duration_seconds", "operation");
    BOOST_TEST(counts.size() == operation_count);
    BOOST_TEST(counts.at("get_host") == 6);
    BOOST_TEST(counts.at("list_images") == 1);
    BOOST_TEST(counts.at("reboot") == 0);
    // get_host: 1 in (0, 0.005], 2 in (0.005, 0.01], 3 above 10 s.
    std::map<std::string, double> get_host;
    for (const auto& s : h.samples)
        if (s.label("operation") == "get_host" && s.name == "finovy_call_duration_seconds_bucket")
            get_host[s.label("le")] = s.value;
    BOOST_TEST(get_host.size() == latency_bounds.size() + 1);
    BOOST_TEST(get_host.at("0.005") == 1);
    BOOST_TEST(get_host.at("0.01") == 3);
    BOOST_TEST(get_host.at("10") == 3);
    BOOST_TEST(get_host.at("+Inf") == 6);
    BOOST_TEST(value_of(h, "finovy_call_duration_seconds_sum", "operation", "get_host") == 31.512);
    BOOST_TEST(value_of(h, "finovy_call_duration_seconds_bucket", "operation", "list_images") == 0);   // le 0.005
}

BOOST_AUTO_TEST_CASE(an_empty_client_renders_valid_zeros)
{
    auto fams = parse(to_prometheus(client_stats{}));
    BOOST_TEST(fams.size() == 16u);
    check_histogram(fams.at("finovy_call_duration_seconds"), "finovy_call_duration_seconds", "operation");
}

BOOST_AUTO_TEST_CASE(prefixes)
{
    auto fams = parse(to_prometheus(sample_stats(), "svc:finovy"));
    BOOST_TEST(fams.count("svc:finovy_requests_total") == 1u);
    BOOST_TEST(fams.count("finovy_requests_total") == 0u);
    fams = parse(to_prometheus(sample_stats(), ""));
    BOOST_TEST(fams.count("requests_total") == 1u);
    BOOST_TEST(fams.count("call_duration_seconds") == 1u);
    for (auto bad : {"9lives", "fin-ovy", "fin ovy", "fin\novy", "a\"b"})
        BOOST_CHECK_THROW(to_prometheus(client_stats{}, bad), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(constant_labels_are_escaped)
{
    prometheus_options o;
    o.labels = {{"client", "billing \"eu\"\\west\nline two"}, {"zone", "cn-south"}};
    auto text = to_prometheus(sample_stats(), o);
    BOOST_TEST(text.find(R"(client="billing \"eu\"\\west\nline two")") != std::string::npos);
    auto fams = parse(text);
    for (const auto& [name, f] : fams)
        for (const auto& s : f.samples)
        {
            BOOST_TEST(s.label("client") == "billing \"eu\"\\west\nline two");   // round trip
            BOOST_TEST(s.label("zone") == "cn-south");
        }
    BOOST_TEST(value_of(fams.at("finovy_calls_total"), "finovy_calls_total", "operation", "get_host") == 6);
    BOOST_TEST(detail::prometheus_label_value("a\"b\\c\nd") == R"(a\"b\\c\nd)");
    BOOST_TEST(detail::prometheus_label_value("渲大师") == "渲大师");

    for (auto bad : {"9x", "has-dash", "__reserved", "le", "operation", "state", "kind", "lane", ""})
    {
        prometheus_options b;
        b.labels = {{bad, "v"}};
        BOOST_CHECK_THROW(to_prometheus(client_stats{}, b), std::invalid_argument);
    }
}

BOOST_AUTO_TEST_SUITE_END()
