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
#include <functional>
#include <numeric>
#include <optional>
#include <queue>
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

struct identification
{
    std::vector<std::optional<std::size_t>> host;   // per claim: the candidate it takes
    std::vector<std::vector<std::size_t>> contested; // per claim: the candidates it competes for (then no host)
    std::size_t made_missing = 0;                    // `made` claims left without a host, not contested
};

// Matches claims with candidate hosts (their createTimes): see the file's comment.
inline identification identify(const std::vector<claim>& claims, const std::vector<time_point>& candidates)
{
    const std::size_t nc = claims.size(), nh = candidates.size();
    identification out;
    out.host.assign(nc, std::nullopt);
    out.contested.assign(nc, {});

    // Candidates by time; a claim's window covers a contiguous run of them.
    std::vector<std::size_t> by_time(nh);
    std::iota(by_time.begin(), by_time.end(), std::size_t{0});
    std::sort(by_time.begin(), by_time.end(), [&](auto a, auto b) { return candidates[a] < candidates[b]; });
    auto run_of = [&](const claim& c) {
        auto first = std::partition_point(by_time.begin(), by_time.end(), [&](std::size_t i) {
            return c.window.earliest && candidates[i] < *c.window.earliest;
        });
        auto last = std::partition_point(first, by_time.end(), [&](std::size_t i) {
            return !c.window.latest || candidates[i] <= *c.window.latest;
        });
        return std::pair<std::size_t, std::size_t>(first - by_time.begin(), last - by_time.begin());
    };

    // Components: claims 0..nc-1, candidates nc + their rank by time. Runs link neighbours.
    std::vector<std::size_t> parent(nc + nh);
    std::iota(parent.begin(), parent.end(), std::size_t{0});
    std::function<std::size_t(std::size_t)> root = [&](std::size_t x) {
        while (parent[x] != x)
            x = parent[x] = parent[parent[x]];
        return x;
    };
    auto join = [&](std::size_t a, std::size_t b) { parent[root(a)] = root(b); };
    std::vector<std::size_t> next_unlinked(nh + 1);   // skips ranks already linked to their right neighbour
    std::iota(next_unlinked.begin(), next_unlinked.end(), std::size_t{0});
    std::function<std::size_t(std::size_t)> skip = [&](std::size_t r) {
        while (next_unlinked[r] != r)
            r = next_unlinked[r] = next_unlinked[next_unlinked[r]];
        return r;
    };
    std::vector<std::pair<std::size_t, std::size_t>> runs(nc);
    std::vector<long> cover(nh + 1, 0);   // how many runs cover each rank, as differences
    for (std::size_t c = 0; c < nc; ++c)
    {
        runs[c] = run_of(claims[c]);
        auto [a, b] = runs[c];
        if (a == b)
            continue;
        join(c, nc + a);
        for (std::size_t r = skip(a); r + 1 < b; r = skip(r))
        {
            join(nc + r, nc + r + 1);
            next_unlinked[r] = r + 1;
        }
        ++cover[a];
        --cover[b];
    }
    std::vector<bool> covered(nh, false);
    for (long sum = 0, r = 0; r < static_cast<long>(nh); ++r)
        covered[static_cast<std::size_t>(r)] = (sum += cover[static_cast<std::size_t>(r)]) > 0;
    // A candidate no claim's window covers is nobody's: it is not this round's.

    // Per component: its claims and covered candidates (ranks, ascending).
    std::vector<std::vector<std::size_t>> comp_claims(nc + nh), comp_hosts(nc + nh);
    for (std::size_t c = 0; c < nc; ++c)
        comp_claims[root(c)].push_back(c);
    for (std::size_t r = 0; r < nh; ++r)
        if (covered[r])
            comp_hosts[root(nc + r)].push_back(r);

    for (std::size_t k = 0; k < nc + nh; ++k)
    {
        const auto& cl = comp_claims[k];
        const auto& hs = comp_hosts[k];
        if (cl.empty())
            continue;
        auto contest = [&] {
            for (auto c : cl)
                for (auto r : hs)
                    out.contested[c].push_back(by_time[r]);
        };
        if (hs.size() > cl.size())
        {
            contest();
            continue;
        }
        // Every host must go to a claim whose window holds it: earliest-deadline-first over the
        // hosts in time order finds such a matching whenever one exists (points into intervals).
        // Among claims whose windows close together, `made` ones go first.
        std::vector<std::size_t> by_start(cl.begin(), cl.end());
        std::sort(by_start.begin(), by_start.end(), [&](auto a, auto b) { return runs[a].first < runs[b].first; });
        auto later = [&](std::size_t a, std::size_t b) {
            if (runs[a].second != runs[b].second)
                return runs[a].second > runs[b].second;
            return claims[a].kind == claim_kind::maybe && claims[b].kind == claim_kind::made;
        };
        std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> open(later);
        std::vector<bool> taken(hs.size(), false);
        std::size_t next = 0;
        for (std::size_t j = 0; j < hs.size(); ++j)
        {
            const auto r = hs[j];
            while (next < by_start.size() && runs[by_start[next]].first <= r)
                open.push(by_start[next++]);
            while (!open.empty() && runs[open.top()].second <= r)
                open.pop();
            if (open.empty())
                continue;
            out.host[open.top()] = by_time[r];
            open.pop();
            taken[j] = true;
        }
        if (std::find(taken.begin(), taken.end(), false) != taken.end())
        {
            // A host no claim could take although it is in their windows: more hosts there than
            // claims to fill. Nothing is taken by chance.
            for (auto c : cl)
                out.host[c].reset();
            contest();
            continue;
        }
        for (auto c : cl)
            if (claims[c].kind == claim_kind::made && !out.host[c])
                ++out.made_missing;
    }
    return out;
}

}   // namespace finovy::detail

#endif
