// SPDX-License-Identifier: BSL-1.0
// Which new hosts of the account a batch of creates may call its own, without guessing
// (create.hpp). The API answers createquantity with `true` and no id, and a create whose answer
// was lost may or may not have been acted on; the only evidence is the listing. A host is a
// round's only if
// - it is newer than the round's marker (the newest host when the round began: the listing is
//   newest first, and createTime is the server's own clock, so no clock of ours is involved);
// - its traits are those of the package and image (host_signature), always checked;
// - it was made within the window of one of the round's creates (server time, from the Date
//   header: server_clock.hpp), when the server sends one;
// - nobody has claimed it already.
// Hosts and the claims they could fill form connected components; in a component where the hosts
// outnumber the claims, no claim takes one (they are all contested). Pure logic, unit-tested.
#ifndef FINOVY_IMPL_INTERNAL_IDENTIFY_HPP
#define FINOVY_IMPL_INTERNAL_IDENTIFY_HPP

#include <finovy/models.hpp>

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <optional>
#include <queue>
#include <tuple>
#include <string>
#include <string_view>
#include <vector>

namespace finovy::detail {

// What a listing shows of the hosts a create of this package and image makes.
struct host_signature
{
    int cpu_count = 0, memory_gb = 0, disk_gb = 0, gpu_count = 0;
    std::optional<std::string> gpu_name;
    machine_use use = machine_use::office;
    std::optional<finovy::area> where;
    billing_kind billing = billing_kind::pay_as_you_go;
    std::string os_name, os_version;

    static host_signature of(const host_package& p, const image& i, billing_kind b)
    {
        host_signature s;
        s.cpu_count = p.cpu_count;
        s.memory_gb = p.memory_gb;
        s.disk_gb = p.disk_gb;
        s.gpu_count = p.gpu_count;
        if (p.gpu_count > 0 && p.gpu_name && !p.gpu_name->empty())
            s.gpu_name = p.gpu_name;
        s.use = p.use;
        s.where = p.area;
        s.billing = b;
        s.os_name = i.system_name;
        s.os_version = i.system_version;
        return s;
    }

    // The documents leave room for nulls (gpuNumber, gpuConfiguration, area): an absent trait
    // is not a mismatch, but the operating system must be there and agree.
    bool matches(const host& h) const
    {
        if (h.cpu_count != cpu_count || h.memory_gb != memory_gb || h.disk_gb != disk_gb ||
            h.gpu_count.value_or(0) != gpu_count || h.use != use || h.billing != billing)
            return false;
        if (gpu_name && !h.gpu_configuration.empty() && h.gpu_configuration != "-" &&
            h.gpu_configuration.find(*gpu_name) == std::string::npos)
            return false;
        if (where && h.area && *h.area != *where)
            return false;
        return os_matches(h.operating_system);
    }

    bool os_matches(std::string_view os) const
    {
        if (os_name.empty() || os.size() < os_name.size() || os.substr(0, os_name.size()) != os_name)
            return false;
        auto rest = os.substr(os_name.size());   // "", or " <version>" when the server adds it
        return rest.empty() || rest == " " + os_version;
    }

    friend bool operator==(const host_signature&, const host_signature&) = default;
};

// The newest hosts when a round began (the first page of the listing, newest first).
struct listing_marker
{
    bool any = false;                    // the account had a host
    time_point newest{};                 // its createTime
    std::vector<std::string> at_newest;  // the ids seen with that createTime
    bool tie_may_continue = false;       // the whole page had it: more beyond may have it too

    static listing_marker of(const host_page& first)
    {
        listing_marker m;
        for (const auto& h : first.items)
            if (!m.any || h.created > m.newest)
            {
                m.any = true;
                m.newest = h.created;
            }
        for (const auto& h : first.items)
            if (h.created == m.newest)
                m.at_newest.push_back(h.id);
        m.tie_may_continue = m.any && m.at_newest.size() == first.items.size() && first.total > std::int64_t(first.items.size());
        return m;
    }

    // True when `h` is newer than everything the marker saw: made after the round began (or
    // hidden from it by the listing's lag).
    bool newer(const host& h) const
    {
        if (!any || h.created > newest)
            return true;
        return h.created == newest && !tie_may_continue &&
               std::find(at_newest.begin(), at_newest.end(), h.id) == at_newest.end();
    }

    // Listing further pages is pointless past a host older than the marker.
    bool older(const host& h) const { return any && h.created < newest; }
};

// When a host may have been made, in the server's time; an unset bound is unknown (no Date).
struct time_window
{
    std::optional<time_point> earliest, latest;

    bool contains(time_point t) const { return (!earliest || t >= *earliest) && (!latest || t <= *latest); }
};

// How createTime's clock (the API's database, say) relates to the Date header's (its HTTP server):
// skew = createTime - Date's time, as an interval. Until a host whose making is bracketed shows
// its createTime, the interval is +- the caller's margin; each such host narrows it, and one that
// contradicts it (a clock stepped) starts it afresh.
class createtime_skew
{
public:
    using duration = time_point::duration;

    // The allowance while nothing is learned.
    void set_margin(duration m) noexcept { margin_ = m; }
    bool learned() const noexcept { return learned_; }
    std::pair<duration, duration> bounds() const noexcept
    {
        return learned_ ? std::pair(lo_, hi_) : std::pair(-margin_, margin_);
    }

    // The skew is known to lie in [lo, hi] (an identification that only those offsets explain).
    void narrow(duration lo, duration hi)
    {
        auto [cur_lo, cur_hi] = bounds();
        lo_ = std::max(lo, cur_lo);
        hi_ = std::min(hi, cur_hi);
        if (lo_ > hi_)
            std::tie(lo_, hi_) = std::pair(lo, hi);
        learned_ = true;
    }

    // A host with createTime `c` was made between `earliest` and `latest` (Date's clock).
    void on_sample(time_point c, time_point earliest, time_point latest)
    {
        if (latest < earliest)
            return;
        const duration lo = c - latest, hi = c - earliest;
        if (!learned_ || lo > hi_ || hi < lo_)
        {
            lo_ = lo;
            hi_ = hi;
            learned_ = true;
            return;
        }
        lo_ = std::max(lo_, lo);
        hi_ = std::min(hi_, hi);
    }

    // When, in createTime's clock, a create made between these (Date's clock) made its host.
    time_window window(std::optional<time_point> earliest, std::optional<time_point> latest) const;

private:
    duration margin_ = std::chrono::seconds(2);
    bool learned_ = false;
    duration lo_{}, hi_{};
};

// One create that may have made a host whose id is not known.
enum class claim_kind
{
    made,    // the server said it made one (`true`): a host exists
    maybe,   // the outcome is unknown: perhaps
};

struct claim
{
    claim_kind kind = claim_kind::made;
    time_window window;
};

inline time_window createtime_skew::window(std::optional<time_point> earliest, std::optional<time_point> latest) const
{
    auto [lo, hi] = bounds();
    time_window w;
    if (earliest)
        w.earliest = *earliest + lo;
    if (latest)
        w.latest = *latest + hi;
    return w;
}

struct identification
{
    std::vector<std::optional<std::size_t>> host;   // per claim: the candidate it takes
    std::vector<bool> exact;                         // per claim: `made`, alone in its group with one host
    std::vector<std::vector<std::size_t>> contested; // per claim: the candidates it competes for (then no host)
    std::size_t made_missing = 0;                    // `made` claims left without a host, not contested
};

namespace identify_detail {

// The candidates in time order; a claim's window covers a contiguous run of ranks [first, second).
struct ranked_hosts
{
    explicit ranked_hosts(const std::vector<time_point>& c) : at(c), by_time(c.size())
    {
        std::iota(by_time.begin(), by_time.end(), std::size_t{0});
        std::sort(by_time.begin(), by_time.end(), [&](auto a, auto b) { return at[a] < at[b]; });
    }

    std::pair<std::size_t, std::size_t> run_of(const claim& c) const
    {
        auto first = std::partition_point(by_time.begin(), by_time.end(), [&](std::size_t i) {
            return c.window.earliest && at[i] < *c.window.earliest;
        });
        auto last = std::partition_point(first, by_time.end(), [&](std::size_t i) {
            return !c.window.latest || at[i] <= *c.window.latest;
        });
        return {static_cast<std::size_t>(first - by_time.begin()), static_cast<std::size_t>(last - by_time.begin())};
    }

    const std::vector<time_point>& at;
    std::vector<std::size_t> by_time;   // rank -> candidate
};

// Groups of claims whose runs overlap, each with the ranks its runs cover (ascending). A rank no
// run covers is nobody's: it is not this round's.
struct groups
{
    std::vector<std::vector<std::size_t>> claims, ranks;
};

inline groups group_runs(const std::vector<std::pair<std::size_t, std::size_t>>& runs, std::size_t nh)
{
    const std::size_t nc = runs.size();
    // Union-find over claims 0..nc-1 and ranks nc..nc+nh-1; a run links its ranks in a chain,
    // skipping ranks already linked to their right neighbour, so the whole is O((nc + nh) log).
    std::vector<std::size_t> parent(nc + nh), next_unlinked(nh + 1);
    std::iota(parent.begin(), parent.end(), std::size_t{0});
    std::iota(next_unlinked.begin(), next_unlinked.end(), std::size_t{0});
    auto root = [&](std::size_t x) {
        while (parent[x] != x)
            x = parent[x] = parent[parent[x]];
        return x;
    };
    auto skip = [&](std::size_t r) {
        while (next_unlinked[r] != r)
            r = next_unlinked[r] = next_unlinked[next_unlinked[r]];
        return r;
    };
    std::vector<long> cover(nh + 1, 0);   // how many runs cover each rank, as differences
    for (std::size_t c = 0; c < nc; ++c)
    {
        auto [a, b] = runs[c];
        if (a == b)
            continue;
        parent[root(c)] = root(nc + a);
        for (std::size_t r = skip(a); r + 1 < b; r = skip(r))
        {
            parent[root(nc + r)] = root(nc + r + 1);
            next_unlinked[r] = r + 1;
        }
        ++cover[a];
        --cover[b];
    }
    groups g;
    g.claims.resize(nc + nh);
    g.ranks.resize(nc + nh);
    for (std::size_t c = 0; c < nc; ++c)
        g.claims[root(c)].push_back(c);
    long sum = 0;
    for (std::size_t r = 0; r < nh; ++r)
        if ((sum += cover[r]) > 0)
            g.ranks[root(nc + r)].push_back(r);
    return g;
}

// Every host of a group must go to a claim whose window holds it: earliest-deadline-first over
// the hosts in time order finds such a matching whenever one exists (points into intervals).
// Among claims whose windows close together, `made` ones go first. False when a host is left.
inline bool match_group(const std::vector<claim>& claims, const std::vector<std::pair<std::size_t, std::size_t>>& runs,
                        const std::vector<std::size_t>& cl, const std::vector<std::size_t>& hs,
                        const std::vector<std::size_t>& by_time, identification& out)
{
    std::vector<std::size_t> by_start(cl.begin(), cl.end());
    std::sort(by_start.begin(), by_start.end(), [&](auto a, auto b) { return runs[a].first < runs[b].first; });
    auto later = [&](std::size_t a, std::size_t b) {
        if (runs[a].second != runs[b].second)
            return runs[a].second > runs[b].second;
        return claims[a].kind == claim_kind::maybe && claims[b].kind == claim_kind::made;
    };
    std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> open(later);
    std::size_t next = 0, matched = 0;
    for (const auto r : hs)
    {
        while (next < by_start.size() && runs[by_start[next]].first <= r)
            open.push(by_start[next++]);
        while (!open.empty() && runs[open.top()].second <= r)
            open.pop();
        if (open.empty())
            continue;
        out.host[open.top()] = by_time[r];
        open.pop();
        ++matched;
    }
    return matched == hs.size();
}

}   // namespace identify_detail

// Matches claims with candidate hosts (their createTimes): see the file's comment.
inline identification identify(const std::vector<claim>& claims, const std::vector<time_point>& candidates)
{
    using namespace identify_detail;
    const std::size_t nc = claims.size();
    identification out;
    out.host.assign(nc, std::nullopt);
    out.exact.assign(nc, false);
    out.contested.assign(nc, {});
    const ranked_hosts ranked(candidates);
    std::vector<std::pair<std::size_t, std::size_t>> runs(nc);
    for (std::size_t c = 0; c < nc; ++c)
        runs[c] = ranked.run_of(claims[c]);
    const auto g = group_runs(runs, candidates.size());
    for (std::size_t k = 0; k < g.claims.size(); ++k)
    {
        const auto& cl = g.claims[k];
        const auto& hs = g.ranks[k];
        if (cl.empty())
            continue;
        // More hosts in the windows than claims to fill, or a host no claim could take: nothing
        // is taken by chance, every claim of the group competes for every host of it.
        if (hs.size() > cl.size() || !match_group(claims, runs, cl, hs, ranked.by_time, out))
        {
            for (auto c : cl)
            {
                out.host[c].reset();
                for (auto r : hs)
                    out.contested[c].push_back(ranked.by_time[r]);
            }
            continue;
        }
        for (auto c : cl)
        {
            if (claims[c].kind == claim_kind::made && !out.host[c])
                ++out.made_missing;
            // Which host of a group is which claim's is arbitrary, unless the group is one of each.
            out.exact[c] = claims[c].kind == claim_kind::made && cl.size() == 1 && hs.size() == 1;
        }
    }
    return out;
}

// identify() with the claims' windows in Date's clock (raw) and createTime's clock `skew` from it
// not known exactly. The windows widened by the whole of `skew` may leave groups contested (a
// host another program made just after the batch) when one offset would tell them apart. Every
// offset in `skew` where the answer can change is tried: one at which a window would hold a host
// too many could be the true offset, so that host could be ours (doubt: the widened answer
// stands); one at which a host the server said it made would be missing is not the true offset;
// the others explain everything, and if they all name the same hosts, those are the claims' (and
// `learnt` the offsets that explain them). Searched only for groups small enough (the offsets to
// try grow with claims x hosts). A host of ours the listing does not show yet, while another
// program's fits a window, is the limit no rule can see past.
struct skewed_identification : identification
{
    std::optional<std::pair<time_point::duration, time_point::duration>> learnt;
};

namespace identify_detail {

inline std::vector<claim> shifted(std::vector<claim> w, time_point::duration lo, time_point::duration hi)
{
    for (auto& c : w)
    {
        if (c.window.earliest)
            c.window.earliest = *c.window.earliest + lo;
        if (c.window.latest)
            c.window.latest = *c.window.latest + hi;
    }
    return w;
}

// The offsets in `skew` at which a host enters or leaves a window (the answer can change only
// there), its ends included, sorted.
inline std::vector<time_point::duration> critical_offsets(const std::vector<claim>& raw,
                                                          const std::vector<time_point>& candidates,
                                                          std::pair<time_point::duration, time_point::duration> skew)
{
    std::vector<time_point::duration> points{skew.first, skew.second};
    for (const auto& c : raw)
        for (auto t : candidates)
            for (auto k : {t - *c.window.latest, t - *c.window.earliest})
                if (k > skew.first && k < skew.second)
                    points.push_back(k);
    std::sort(points.begin(), points.end());
    points.erase(std::unique(points.begin(), points.end()), points.end());
    return points;
}

// What identify() answers at one offset: nothing (doubt), not the true offset, or hosts.
enum class verdict
{
    doubt,      // a window holds a host too many: if this is the true offset, that host could be ours
    excluded,   // a host the server said it made would be missing: not the true offset
    answer,
};

inline verdict judge(const identification& r)
{
    if (std::any_of(r.contested.begin(), r.contested.end(), [](auto& c) { return !c.empty(); }))
        return verdict::doubt;
    return r.made_missing != 0 ? verdict::excluded : verdict::answer;
}

inline std::vector<std::size_t> hosts_taken(const identification& r)
{
    std::vector<std::size_t> hosts;
    for (const auto& h : r.host)
        if (h)
            hosts.push_back(*h);
    std::sort(hosts.begin(), hosts.end());
    return hosts;
}

}   // namespace identify_detail

inline skewed_identification identify_skewed(const std::vector<claim>& raw, const std::vector<time_point>& candidates,
                                             std::pair<time_point::duration, time_point::duration> skew)
{
    using namespace identify_detail;
    using duration = time_point::duration;
    skewed_identification out;
    static_cast<identification&>(out) = identify(shifted(raw, skew.first, skew.second), candidates);
    const bool settled = out.made_missing == 0 &&
                         std::all_of(out.contested.begin(), out.contested.end(), [](auto& c) { return c.empty(); });
    const bool bounded = std::all_of(raw.begin(), raw.end(), [](auto& c) { return c.window.earliest && c.window.latest; });
    if (settled || !bounded || raw.empty() || raw.size() * candidates.size() > 4096 || skew.first >= skew.second)
        return out;
    const auto points = critical_offsets(raw, candidates, skew);
    std::optional<identification> agreed;
    duration lo = duration::max(), hi = duration::min();
    // Each critical point and the middle of each gap; the answer holds between critical points,
    // so what an offset teaches of the skew reaches the points around it.
    for (std::size_t i = 0; i < 2 * points.size() - 1; ++i)
    {
        const auto k = i % 2 == 0 ? points[i / 2] : points[i / 2] + (points[i / 2 + 1] - points[i / 2]) / 2;
        auto r = identify(shifted(raw, k, k), candidates);
        const auto v = judge(r);
        if (v == verdict::doubt)
            return out;
        if (v == verdict::excluded)
            continue;
        if (agreed && hosts_taken(r) != hosts_taken(*agreed))
            return out;   // two offsets, two answers: the widened windows' doubt stands
        if (!agreed)
            agreed = std::move(r);
        lo = std::min(lo, i % 2 == 0 && i > 0 ? points[i / 2 - 1] : points[i / 2]);
        hi = std::max(hi, i / 2 + 1 < points.size() ? points[i / 2 + 1] : points[i / 2]);
    }
    if (!agreed)
        return out;
    static_cast<identification&>(out) = std::move(*agreed);
    out.learnt = std::pair(lo, hi);
    return out;
}

}   // namespace finovy::detail

#endif
