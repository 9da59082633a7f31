// SPDX-License-Identifier: BSL-1.0
// Telling a batch's hosts from others without I/O: the server's clock from Date headers, a host's
// traits, the listing's marker, the identification rules, and a create round as a state machine
// driven through every state with a mock clock, by examples and by seeded random sequences.
#include "mock_clock.hpp"

#include <finovy/impl/internal/create_round.hpp>
#include <finovy/impl/internal/identify.hpp>
#include <finovy/impl/internal/server_clock.hpp>

#include <boost/test/unit_test.hpp>

#include <map>
#include <random>
#include <set>

using namespace finovy;
using namespace finovy::detail;
using namespace std::chrono_literals;

namespace {

using mock_clock = finovy::test::basic_mock_clock<struct identify_tests, std::chrono::milliseconds,
                                                  std::chrono::milliseconds(std::chrono::hours(1)).count()>;

const time_point t0 = std::chrono::sys_days(std::chrono::year(2026) / 12 / 7) + 12h;

time_point at(std::chrono::milliseconds ms) { return t0 + ms; }

host_package office()
{
    host_package p;
    p.id = "Ofc2C4G8xx";
    p.cpu_count = 2;
    p.memory_gb = 8;
    p.disk_gb = 80;
    p.use = machine_use::office;
    p.area = area::south_china;
    return p;
}

host_package gpu()
{
    host_package p;
    p.id = "Wy1KiMqtPO";
    p.cpu_count = 4;
    p.memory_gb = 16;
    p.disk_gb = 128;
    p.gpu_count = 1;
    p.gpu_name = "RTX 3090";
    p.use = machine_use::graphics;
    return p;
}

image ubuntu() { return {"4005", "BL", "Ubuntu Server", "20.04 x64"}; }
image debian() { return {"4006", "BL", "Debian", "12 x64"}; }

host host_of(const std::string& id, const host_package& p, const image& i, time_point created)
{
    host h;
    h.id = id;
    h.cpu_count = p.cpu_count;
    h.memory_gb = p.memory_gb;
    h.disk_gb = p.disk_gb;
    if (p.gpu_count > 0)
    {
        h.gpu_count = p.gpu_count;
        h.gpu_configuration = *p.gpu_name + "*" + std::to_string(p.gpu_count);
    }
    else
        h.gpu_configuration = "-";
    h.use = p.use;
    h.operating_system = i.system_name;
    h.created = created;
    return h;
}

host_page page_of(std::vector<host> newest_first, std::int64_t total = -1)
{
    host_page p;
    p.total = total < 0 ? static_cast<std::int64_t>(newest_first.size()) : total;
    p.items = std::move(newest_first);
    return p;
}

}   // namespace

BOOST_AUTO_TEST_SUITE(server_time)

BOOST_AUTO_TEST_CASE(http_dates_in_the_one_form_servers_send)
{
    auto d = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
    BOOST_REQUIRE(d.has_value());
    BOOST_TEST(std::chrono::duration_cast<std::chrono::seconds>(d->time_since_epoch()).count() == 784111777);
    BOOST_TEST(!parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"));   // obsolete RFC 850 form
    BOOST_TEST(!parse_http_date("Sun Nov  6 08:49:37 1994"));          // asctime form
    BOOST_TEST(!parse_http_date("Sun, 31 Feb 2026 08:49:37 GMT"));
    BOOST_TEST(!parse_http_date("Sun, 06 Nov 1994 24:49:37 GMT"));
    BOOST_TEST(!parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"));
    BOOST_TEST(!parse_http_date(""));
    BOOST_TEST(!parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC"));
}

BOOST_AUTO_TEST_CASE(answers_bound_the_offset_and_narrow_it)
{
    server_clock<> c;
    BOOST_TEST(!c.known());
    BOOST_TEST(c.wants_sample(t0));
    BOOST_TEST(!c.at(t0).has_value());
    // The server is 5.3 s ahead; answers take 20 ms.
    auto answer = [&](time_point sent) {
        auto server_made = sent + 10ms + 5300ms;
        auto date = std::chrono::floor<std::chrono::seconds>(server_made);
        c.on_answer(sent, sent + 20ms, date);
    };
    answer(t0);
    auto b = c.at(t0 + 20ms);
    BOOST_REQUIRE(b.has_value());
    BOOST_TEST((b->earliest <= t0 + 20ms + 5300ms && t0 + 20ms + 5300ms <= b->latest));
    BOOST_TEST(c.uncertainty(t0 + 20ms) <= std::chrono::milliseconds(1020));
    for (int i = 1; i < 200; ++i)
        answer(t0 + std::chrono::milliseconds(i * 37));
    const auto now = t0 + 8000ms;
    b = c.at(now);
    BOOST_TEST((b->earliest <= now + 5300ms && now + 5300ms <= b->latest));
    BOOST_TEST(c.uncertainty(now) <= 60ms);
    // Age widens what is known, never excludes the truth.
    auto later = now + std::chrono::hours(1);
    BOOST_TEST(c.uncertainty(later) > c.uncertainty(now));
    b = c.at(later);
    BOOST_TEST((b->earliest <= later + 5300ms && later + 5300ms <= b->latest));
    BOOST_TEST(c.wants_sample(later));
}

BOOST_AUTO_TEST_CASE(a_stepped_clock_starts_afresh)
{
    server_clock<> c;
    for (int i = 0; i < 50; ++i)
    {
        auto sent = t0 + std::chrono::milliseconds(i * 41);
        c.on_answer(sent, sent + 5ms, std::chrono::floor<std::chrono::seconds>(sent + 2ms));
    }
    // The server's clock jumps a minute ahead: the next answer contradicts what was known.
    auto sent = t0 + 3000ms;
    c.on_answer(sent, sent + 5ms, std::chrono::floor<std::chrono::seconds>(sent + 60s));
    auto b = c.at(sent);
    BOOST_TEST((b->earliest >= sent + 58s && b->latest <= sent + 62s));
    c.on_answer(sent, sent - 1ms, t0);   // received before sent: ignored
    BOOST_TEST((c.at(sent)->earliest >= sent + 58s));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(host_identity)

BOOST_AUTO_TEST_CASE(traits_of_the_package_and_the_image)
{
    auto sig = host_signature::of(office(), ubuntu(), billing_kind::pay_as_you_go);
    BOOST_TEST(sig.matches(host_of("a", office(), ubuntu(), t0)));
    BOOST_TEST(!sig.matches(host_of("b", gpu(), ubuntu(), t0)));
    BOOST_TEST(!sig.matches(host_of("c", office(), debian(), t0)));
    auto h = host_of("d", office(), ubuntu(), t0);
    h.operating_system = "Ubuntu Server 20.04 x64";   // a server that adds the version
    BOOST_TEST(sig.matches(h));
    h.operating_system = "Ubuntu Server 22.04 x64";   // another version of the same name
    BOOST_TEST(!sig.matches(h));
    h.operating_system = "";                          // the system is always checked
    BOOST_TEST(!sig.matches(h));
    h = host_of("e", office(), ubuntu(), t0);
    h.billing = billing_kind::fixed_period;
    BOOST_TEST(!sig.matches(h));
    h = host_of("f", office(), ubuntu(), t0);
    h.area = area::international;
    BOOST_TEST(!sig.matches(h));
    h.area.reset();   // not in the older documents: no mismatch
    BOOST_TEST(sig.matches(h));

    auto g = host_signature::of(gpu(), ubuntu(), billing_kind::pay_as_you_go);
    auto other_gpu = gpu();
    other_gpu.gpu_name = "RTX 3060";
    BOOST_TEST(g.matches(host_of("g", gpu(), ubuntu(), t0)));
    BOOST_TEST(!g.matches(host_of("h", other_gpu, ubuntu(), t0)));
    auto nulls = host_of("i", gpu(), ubuntu(), t0);
    nulls.gpu_configuration = "";   // the documents allow null: tolerated
    BOOST_TEST(g.matches(nulls));
}

BOOST_AUTO_TEST_CASE(the_marker_is_the_newest_host_when_the_round_began)
{
    auto m = listing_marker::of(page_of({}));
    BOOST_TEST(!m.any);
    BOOST_TEST(m.newer(host_of("x", office(), ubuntu(), at(-1h))));

    auto a = host_of("a", office(), ubuntu(), at(0ms)), b = host_of("b", office(), ubuntu(), at(0ms));
    auto old = host_of("o", office(), ubuntu(), at(-10s));
    m = listing_marker::of(page_of({a, b, old}));
    BOOST_TEST(m.any);
    BOOST_TEST(!m.newer(a));
    BOOST_TEST(!m.newer(old));
    BOOST_TEST(m.newer(host_of("c", office(), ubuntu(), at(0ms))));   // same millisecond, not seen: newer
    BOOST_TEST(m.newer(host_of("d", office(), ubuntu(), at(1ms))));
    BOOST_TEST(m.older(old));
    BOOST_TEST(!m.older(a));

    // A whole page of the same millisecond: more of it may follow, so it is all "seen".
    std::vector<host> same;
    for (int i = 0; i < 25; ++i)
        same.push_back(host_of("s" + std::to_string(i), office(), ubuntu(), at(0ms)));
    m = listing_marker::of(page_of(same, 40));
    BOOST_TEST(m.tie_may_continue);
    BOOST_TEST(!m.newer(host_of("s30", office(), ubuntu(), at(0ms))));
    BOOST_TEST(m.newer(host_of("n", office(), ubuntu(), at(1ms))));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(identification)

BOOST_AUTO_TEST_CASE(counts_decide_without_windows)
{
    std::vector<claim> two_made{{claim_kind::made, {}}, {claim_kind::made, {}}};
    auto r = identify(two_made, {at(1ms), at(2ms)});
    BOOST_TEST((r.host[0] && r.host[1] && *r.host[0] != *r.host[1]));
    BOOST_TEST(r.made_missing == 0u);

    r = identify(two_made, {at(1ms), at(2ms), at(3ms)});   // one more than were made: nobody guesses
    BOOST_TEST((!r.host[0] && !r.host[1]));
    BOOST_TEST(r.contested[0].size() == 3u);
    BOOST_TEST(r.contested[1].size() == 3u);

    r = identify(two_made, {at(1ms)});   // one still to appear
    BOOST_TEST((bool(r.host[0]) != bool(r.host[1])));
    BOOST_TEST(r.made_missing == 1u);

    std::vector<claim> made_and_maybe{{claim_kind::maybe, {}}, {claim_kind::made, {}}};
    r = identify(made_and_maybe, {at(1ms)});   // the certain one comes first
    BOOST_TEST(!r.host[0]);
    BOOST_TEST(r.host[1].has_value());
    r = identify(made_and_maybe, {at(1ms), at(2ms)});
    BOOST_TEST((r.host[0] && r.host[1]));
    r = identify(made_and_maybe, {});
    BOOST_TEST(r.made_missing == 1u);
}

BOOST_AUTO_TEST_CASE(windows_separate_what_counts_cannot)
{
    // Two rounds a minute apart; a foreign host made between them belongs to neither window.
    std::vector<claim> claims{{claim_kind::made, {at(0s), at(5s)}}, {claim_kind::made, {at(60s), at(65s)}}};
    auto r = identify(claims, {at(2s), at(30s), at(62s)});
    BOOST_REQUIRE((r.host[0] && r.host[1]));
    BOOST_TEST(*r.host[0] == 0u);
    BOOST_TEST(*r.host[1] == 2u);
    // A foreign host inside the first window makes that one contested, not the other.
    r = identify(claims, {at(2s), at(3s), at(62s)});
    BOOST_TEST(!r.host[0]);
    BOOST_TEST(r.contested[0].size() == 2u);
    BOOST_TEST(r.host[1].has_value());
    BOOST_TEST(r.contested[1].empty());
    // Overlapping windows join: three hosts for two creates is contested for both.
    std::vector<claim> overlap{{claim_kind::made, {at(0s), at(5s)}}, {claim_kind::maybe, {at(4s), at(9s)}}};
    r = identify(overlap, {at(1s), at(4500ms), at(8s)});
    BOOST_TEST((!r.host[0] && !r.host[1]));
    // A host only the unknown create's window covers goes to it.
    r = identify(overlap, {at(1s), at(8s)});
    BOOST_REQUIRE((r.host[0] && r.host[1]));
    BOOST_TEST(*r.host[0] == 0u);
    BOOST_TEST(*r.host[1] == 1u);
    // A host in a window that another claim's window cannot take makes the group contested.
    std::vector<claim> nested{{claim_kind::made, {at(0s), at(10s)}}, {claim_kind::made, {at(2s), at(3s)}}};
    r = identify(nested, {at(1s), at(9s)});   // the narrow one has none of its own
    BOOST_TEST((!r.host[0] && !r.host[1]));
}

BOOST_AUTO_TEST_CASE(the_skew_between_create_time_and_date_is_learnt)
{
    createtime_skew k;
    k.set_margin(2s);
    BOOST_TEST(!k.learned());
    auto w = k.window(at(10s), at(11s));
    BOOST_TEST((*w.earliest == at(8s) && *w.latest == at(13s)));
    // The database's clock is 300 ms behind the web server's: hosts made between send and answer.
    k.on_sample(at(10s) - 300ms + 20ms, at(10s), at(10s) + 50ms);
    k.on_sample(at(20s) - 300ms + 45ms, at(20s), at(20s) + 50ms);
    BOOST_TEST(k.learned());
    auto [lo, hi] = k.bounds();
    BOOST_TEST((lo <= -300ms + 20ms && hi >= -300ms + 20ms));   // the truth is inside...
    BOOST_TEST((hi - lo <= 30ms));                              // ... and it is narrow
    w = k.window(at(30s), at(30s) + 50ms);
    BOOST_TEST((w.contains(at(30s) - 300ms + 25ms)));
    BOOST_TEST((!w.contains(at(30s))));                         // the margin alone would have let this in
    // A contradiction (the clock stepped) starts afresh.
    k.on_sample(at(40s) + 5s, at(40s), at(40s) + 50ms);
    std::tie(lo, hi) = k.bounds();
    BOOST_TEST((lo >= 4s && hi <= 5s));
    // Unset Date bounds stay unset.
    BOOST_TEST(!k.window(std::nullopt, std::nullopt).earliest.has_value());
}

// Property test: our hosts at known times inside their creates' windows, foreign hosts anywhere.
BOOST_AUTO_TEST_CASE(random_rounds_keep_the_invariants)
{
    std::mt19937_64 rng(20261207);
    auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (int scenario = 0; scenario < 3000; ++scenario)
    {
        std::vector<claim> claims;
        std::vector<time_point> hosts;
        std::vector<int> owner;   // per host: its claim, or -1 (foreign)
        const int n = uniform(1, 12);
        int ours = 0;
        for (int c = 0; c < n; ++c)
        {
            const auto start = at(std::chrono::milliseconds(uniform(0, 20'000)));
            const auto end = start + std::chrono::milliseconds(uniform(10, 3'000));
            const bool made = uniform(0, 2) != 0;
            const bool bounded = uniform(0, 4) != 0;
            claims.push_back({made ? claim_kind::made : claim_kind::maybe,
                              bounded ? time_window{start, end} : time_window{}});
            // A made create's host is there unless the listing lags; a maybe one's perhaps.
            if ((made && uniform(0, 5) != 0) || (!made && uniform(0, 1) == 0))
            {
                hosts.push_back(start + (end - start) / 2);
                owner.push_back(c);
                ++ours;
            }
        }
        const int foreign = uniform(0, 2) == 0 ? 0 : uniform(1, 3);
        for (int f = 0; f < foreign; ++f)
        {
            hosts.push_back(at(std::chrono::milliseconds(uniform(-5'000, 30'000))));
            owner.push_back(-1);
        }
        auto r = identify(claims, hosts);
        BOOST_TEST_CONTEXT("scenario " << scenario)
        {
            std::set<std::size_t> taken;
            int taken_foreign = 0;
            for (std::size_t c = 0; c < claims.size(); ++c)
            {
                if (!r.host[c])
                    continue;
                BOOST_TEST(r.contested[c].empty());
                BOOST_TEST(taken.insert(*r.host[c]).second);   // nobody shares a host
                BOOST_TEST(claims[c].window.contains(hosts[*r.host[c]]));
                taken_foreign += owner[*r.host[c]] < 0 ? 1 : 0;
            }
            if (foreign == 0)
            {
                // Without foreign hosts, every host of ours is found and nothing is contested.
                BOOST_TEST(static_cast<int>(taken.size()) == ours);
                for (std::size_t c = 0; c < claims.size(); ++c)
                    BOOST_TEST(r.contested[c].empty());
            }
            if (taken_foreign > 0)
            {
                // A foreign host is taken only where ours are missing: never by a guess among more.
                BOOST_TEST(static_cast<int>(taken.size()) <= static_cast<int>(claims.size()));
                BOOST_TEST(ours < n);
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(create_round_machine)

using fsm = create_round<mock_clock>;
using st = fsm::state;

// The test's server has one clock: Date's is createTime's.
createtime_skew exact_clock()
{
    createtime_skew k;
    k.set_margin(std::chrono::milliseconds(0));
    return k;
}

round_settings quick_settings()
{
    round_settings s;
    s.appear_timeout = 2000ms;
    s.first_relist = 250ms;
    s.max_relist = 1000ms;
    return s;
}

BOOST_AUTO_TEST_CASE(without_a_marker_nothing_is_sent)
{
    fsm r({0, 0, 1}, quick_settings());
    BOOST_TEST((r.start().step == round_step::list_marker));
    BOOST_TEST((r.on_marker(nullptr).step == round_step::done));
    BOOST_TEST(r.failed());
    for (std::size_t i = 0; i < 3; ++i)
    {
        BOOST_TEST(!r.may_send(i));
        BOOST_TEST((r.entries()[i].st == st::cancelled));
        BOOST_TEST(r.entries()[i].final);
    }
}

BOOST_AUTO_TEST_CASE(ids_answered_need_no_listing_and_withdrawn_entries_are_cancelled)
{
    fsm r({0, 0, 1}, quick_settings());
    r.start();
    auto marker = page_of({host_of("old", office(), ubuntu(), at(-1h))});
    BOOST_TEST((r.on_marker(&marker).step == round_step::send));
    BOOST_TEST(r.may_send(0));
    BOOST_TEST(!r.may_send(0));   // once
    r.on_sent(0, at(0ms));
    r.on_answer(0, st::known, "h1", at(100ms));
    BOOST_TEST(r.entries()[0].final);
    r.cancel_batch(1);   // batch 1's entry was not sent yet
    BOOST_TEST(!r.may_send(2));
    BOOST_TEST((r.entries()[2].st == st::cancelled));
    BOOST_TEST(r.may_send(1));
    r.cancel_batch(0);   // too late for entry 1, sent already
    r.on_answer(1, st::refused, {}, at(200ms));
    BOOST_TEST((r.on_creates_done(mock_clock::now()).step == round_step::done));
    BOOST_TEST(r.listings() == 0u);
    BOOST_TEST(r.entries()[0].id == "h1");
    BOOST_TEST((r.entries()[1].st == st::refused));
}

BOOST_AUTO_TEST_CASE(made_hosts_are_listed_identified_and_waited_for_when_late)
{
    auto sig = host_signature::of(office(), ubuntu(), billing_kind::pay_as_you_go);
    fsm r({0, 0}, quick_settings());
    r.start();
    auto marker = page_of({host_of("old", office(), ubuntu(), at(-1s))});
    r.on_marker(&marker);
    for (std::size_t i = 0; i < 2; ++i)
    {
        BOOST_TEST(r.may_send(i));
        r.on_sent(i, at(0ms));
        r.on_answer(i, st::made, {}, at(500ms));
    }
    BOOST_TEST((r.on_creates_done(mock_clock::now()).step == round_step::list));
    // The listing shows one of them, an old host, one of another package and one of another image.
    std::vector<host> listed{host_of("n1", office(), ubuntu(), at(100ms)), host_of("g", gpu(), ubuntu(), at(150ms)),
                             host_of("d", office(), debian(), at(160ms)),
                             host_of("old", office(), ubuntu(), at(-1s))};
    auto a = r.on_listing(&listed, &sig, {}, exact_clock(), mock_clock::now());
    BOOST_TEST((a.step == round_step::sleep));
    BOOST_TEST((a.until == mock_clock::now() + 250ms));
    mock_clock::current += 250ms;
    BOOST_TEST((r.on_slept().step == round_step::list));
    listed.insert(listed.begin(), host_of("n2", office(), ubuntu(), at(300ms)));
    a = r.on_listing(&listed, &sig, {}, exact_clock(), mock_clock::now());
    BOOST_TEST((a.step == round_step::sleep));   // told apart: read once more, to confirm
    BOOST_TEST((a.until == mock_clock::now() + 250ms));
    mock_clock::current += 250ms;
    r.on_slept();
    BOOST_TEST((r.on_listing(&listed, &sig, {}, exact_clock(), mock_clock::now()).step == round_step::done));
    std::set<std::string> ids{r.entries()[0].id, r.entries()[1].id};
    BOOST_TEST((ids == std::set<std::string>{"n1", "n2"}));
    BOOST_TEST(r.listings() == 3u);
}

BOOST_AUTO_TEST_CASE(a_host_that_never_appears_is_unresolved_after_the_appear_timeout)
{
    auto sig = host_signature::of(office(), ubuntu(), billing_kind::pay_as_you_go);
    fsm r({0}, quick_settings());
    r.start();
    auto marker = page_of({});
    r.on_marker(&marker);
    r.may_send(0);
    r.on_answer(0, st::made, {}, std::nullopt);
    auto a = r.on_creates_done(mock_clock::now());
    std::vector<host> none;
    int listings = 0;
    while (a.step != round_step::done)
    {
        if (a.step == round_step::sleep)
        {
            BOOST_TEST((a.until > mock_clock::now()));
            mock_clock::current = a.until;
            a = r.on_slept();
            continue;
        }
        ++listings;
        a = r.on_listing(listings % 2 ? &none : nullptr, &sig, {}, exact_clock(), mock_clock::now());   // some listings fail
    }
    BOOST_TEST(listings >= 3);
    BOOST_TEST(listings <= 6);   // 250 + 500 + 1000 ms < 2 s; then the timeout
    BOOST_TEST(r.entries()[0].id.empty());
    BOOST_TEST(r.entries()[0].contested.empty());
    BOOST_TEST(r.entries()[0].final);
}

BOOST_AUTO_TEST_CASE(unknown_outcomes_are_matched_but_never_prolong_the_round)
{
    auto sig = host_signature::of(office(), ubuntu(), billing_kind::pay_as_you_go);
    fsm r({0, 0, 0}, quick_settings());
    r.start();
    auto marker = page_of({});
    r.on_marker(&marker);
    r.may_send(0);
    r.on_answer(0, st::known, "k", at(10ms));
    r.may_send(1);
    r.on_answer(1, st::maybe, {}, std::nullopt);
    r.may_send(2);
    r.on_answer(2, st::maybe, {}, std::nullopt);
    BOOST_TEST((r.on_creates_done(mock_clock::now()).step == round_step::list));
    // The id answered is not a candidate; one unknown create made a host, one did not.
    std::vector<host> listed{host_of("m", office(), ubuntu(), at(20ms)), host_of("k", office(), ubuntu(), at(10ms))};
    BOOST_TEST((r.on_listing(&listed, &sig, {}, exact_clock(), mock_clock::now()).step == round_step::sleep));
    r.on_slept();
    BOOST_TEST((r.on_listing(&listed, &sig, {}, exact_clock(), mock_clock::now()).step == round_step::done));
    BOOST_TEST(r.listings() == 2u);   // the first, and its confirmation: no more for unknowns
    int found = 0;
    for (std::size_t i = 1; i < 3; ++i)
        found += r.entries()[i].id == "m" ? 1 : 0;
    BOOST_TEST(found == 1);
}

BOOST_AUTO_TEST_CASE(the_confirmation_reveals_a_host_the_listing_lagged_on)
{
    // Our host lags; another program's of the package and image, made in the same window, is
    // listed alone: the first listing would take it, the confirmation shows ours and doubts.
    auto sig = host_signature::of(office(), ubuntu(), billing_kind::pay_as_you_go);
    fsm r({0}, quick_settings());
    r.start();
    auto marker = page_of({});
    r.on_marker(&marker);
    r.may_send(0);
    r.on_sent(0, at(0ms));
    r.on_answer(0, st::made, {}, at(50ms));
    r.on_creates_done(mock_clock::now());
    std::vector<host> listed{host_of("theirs", office(), ubuntu(), at(30ms))};
    BOOST_TEST((r.on_listing(&listed, &sig, {}, exact_clock(), mock_clock::now()).step == round_step::sleep));
    BOOST_TEST(r.entries()[0].id == "theirs");   // not final yet
    BOOST_TEST(!r.entries()[0].final);
    r.on_slept();
    listed.push_back(host_of("ours", office(), ubuntu(), at(20ms)));
    BOOST_TEST((r.on_listing(&listed, &sig, {}, exact_clock(), mock_clock::now()).step == round_step::done));
    BOOST_TEST(r.entries()[0].id.empty());
    BOOST_TEST(r.entries()[0].contested.size() == 2u);
}

BOOST_AUTO_TEST_CASE(listed_hosts_whose_making_is_bracketed_teach_the_skew)
{
    auto sig = host_signature::of(office(), ubuntu(), billing_kind::pay_as_you_go);
    fsm r({0, 0, 0}, quick_settings());
    r.start();
    auto marker = page_of({});
    r.on_marker(&marker);
    r.may_send(0);
    r.on_sent(0, at(0ms));
    r.on_answer(0, st::known, "k", at(40ms));   // its id answered: bracketed
    r.may_send(1);
    r.on_sent(1, at(100ms));
    r.on_answer(1, st::made, {}, at(150ms));    // alone in its group: bracketed too
    r.may_send(2);
    r.on_sent(2, at(200ms));
    r.on_answer(2, st::maybe, {}, at(260ms));   // an unknown outcome teaches nothing
    r.on_creates_done(mock_clock::now());
    std::vector<host> listed{host_of("u", office(), ubuntu(), at(230ms)), host_of("m", office(), ubuntu(), at(120ms)),
                             host_of("k", office(), ubuntu(), at(20ms))};
    r.on_listing(&listed, &sig, {}, exact_clock(), mock_clock::now());
    BOOST_TEST(r.entries()[1].id == "m");
    BOOST_TEST(r.entries()[2].id == "u");
    BOOST_REQUIRE(r.samples().size() == 2u);
    std::set<std::int64_t> ms;
    for (const auto& x : r.samples())
        ms.insert(std::chrono::duration_cast<std::chrono::milliseconds>(x.created - t0).count());
    BOOST_TEST((ms == std::set<std::int64_t>{20, 120}));
}

BOOST_AUTO_TEST_CASE(claimed_hosts_are_nobody_elses)
{
    auto sig = host_signature::of(office(), ubuntu(), billing_kind::pay_as_you_go);
    fsm r({0}, quick_settings());
    r.start();
    auto marker = page_of({});
    r.on_marker(&marker);
    r.may_send(0);
    r.on_answer(0, st::made, {}, std::nullopt);
    r.on_creates_done(mock_clock::now());
    std::vector<host> listed{host_of("theirs", office(), ubuntu(), at(5ms)), host_of("mine", office(), ubuntu(), at(4ms))};
    r.on_listing(&listed, &sig, {"theirs"}, exact_clock(), mock_clock::now());
    BOOST_TEST(r.entries()[0].id == "mine");
}

// Random rounds: random answers, lag, foreign hosts of this and other packages, cancellations;
// a listing shows what the account holds at that moment.
BOOST_AUTO_TEST_CASE(random_rounds_never_claim_what_they_did_not_make)
{
    auto sig = host_signature::of(office(), ubuntu(), billing_kind::pay_as_you_go);
    std::mt19937_64 rng(7);
    auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (int scenario = 0; scenario < 2000; ++scenario)
    {
        BOOST_TEST_CONTEXT("scenario " << scenario)
        {
            struct account_host
            {
                host h;
                mock_clock::time_point visible;
                int entry;   // -1: not ours
            };
            std::vector<account_host> account;
            int next_id = 0;
            auto add = [&](const host_package& p, const image& i, time_point made, int entry, int lag_ms) {
                account.push_back({host_of("h" + std::to_string(next_id++), p, i, made),
                                   mock_clock::now() + std::chrono::milliseconds(lag_ms), entry});
            };
            auto listing = [&]() {
                std::vector<host> out;
                for (auto it = account.rbegin(); it != account.rend(); ++it)
                    if (it->visible <= mock_clock::now())
                        out.push_back(it->h);
                return out;
            };
            // Hosts before the round, some of our package, one perhaps still lagging.
            for (int k = uniform(0, 4); k > 0; --k)
                add(uniform(0, 1) ? office() : gpu(), ubuntu(), at(std::chrono::milliseconds(-uniform(100, 90'000))),
                    -1, 0);
            std::sort(account.begin(), account.end(), [](auto& a, auto& b) { return a.h.created < b.h.created; });
            const int n = uniform(1, 8);
            std::vector<std::size_t> batches;
            for (int i = 0; i < n; ++i)
                batches.push_back(static_cast<std::size_t>(uniform(0, 1)));
            fsm r(batches, quick_settings());
            r.start();
            auto first = page_of(listing());
            if (first.items.size() > 25)
                first.items.resize(25);
            r.on_marker(&first);
            time_point server = at(0ms);
            const int cancel_at = uniform(0, 2) == 0 ? uniform(0, n) : n + 1;
            for (int i = 0; i < n; ++i)
            {
                if (i == cancel_at)
                    r.cancel_batch(0);
                if (!r.may_send(static_cast<std::size_t>(i)))
                    continue;
                if (uniform(0, 3) == 0)   // another program creates meanwhile
                    add(uniform(0, 1) ? office() : gpu(), uniform(0, 3) ? ubuntu() : debian(), server, -1,
                        uniform(0, 400));
                server += std::chrono::milliseconds(uniform(1, 50));
                r.on_sent(static_cast<std::size_t>(i), server);
                server += std::chrono::milliseconds(uniform(1, 50));
                const int kind = uniform(0, 9);
                if (kind < 5)   // made; the server answered `true`
                {
                    add(office(), ubuntu(), server, i, uniform(0, 1) ? 0 : uniform(0, 3000));
                    r.on_answer(static_cast<std::size_t>(i), st::made, {}, server + 10ms);
                }
                else if (kind < 7)   // made, id answered
                {
                    add(office(), ubuntu(), server, i, 0);
                    r.on_answer(static_cast<std::size_t>(i), st::known, account.back().h.id, server + 10ms);
                }
                else if (kind < 8)   // refused
                    r.on_answer(static_cast<std::size_t>(i), st::refused, {}, server + 10ms);
                else   // the answer was lost: made or not
                {
                    if (uniform(0, 1))
                        add(office(), ubuntu(), server, i, uniform(0, 1) ? 0 : uniform(0, 3000));
                    r.on_answer(static_cast<std::size_t>(i), st::maybe, {}, server + 60s);
                }
                mock_clock::current += std::chrono::milliseconds(uniform(1, 60));
            }
            auto a = r.on_creates_done(mock_clock::now());
            int listings = 0;
            while (a.step != round_step::done)
            {
                if (a.step == round_step::sleep)
                {
                    mock_clock::current = a.until;
                    a = r.on_slept();
                    continue;
                }
                ++listings;
                if (uniform(0, 9) == 0)
                    a = r.on_listing(nullptr, &sig, {}, exact_clock(), mock_clock::now());
                else
                {
                    auto l = listing();
                    a = r.on_listing(&l, &sig, {}, exact_clock(), mock_clock::now());
                }
                BOOST_TEST(listings <= 10);
                if (listings > 10)
                    break;
            }
            // Invariants: a host given to an entry is of the package and image, newer than the
            // marker and given once; an entry never sent is cancelled; without foreign hosts of
            // the package and image made during the round, every identified host is the entry's
            // own or another entry's of this round.
            std::set<std::string> given;
            for (std::size_t i = 0; i < r.entries().size(); ++i)
            {
                const auto& e = r.entries()[i];
                BOOST_TEST(e.final);
                if (e.id.empty())
                    continue;
                BOOST_TEST(given.insert(e.id).second);
                auto it = std::find_if(account.begin(), account.end(), [&](auto& x) { return x.h.id == e.id; });
                BOOST_REQUIRE(it != account.end());
                BOOST_TEST(sig.matches(it->h));
                BOOST_TEST(r.marker().newer(it->h));
                if (it->entry < 0)
                {
                    // Only a host made during the round, of this package and image, can be taken
                    // for ours, and only by an entry whose own is missing.
                    BOOST_TEST((it->h.created >= at(0ms)));
                }
                else
                    BOOST_TEST((r.entries()[static_cast<std::size_t>(it->entry)].st != st::refused));
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
