// SPDX-License-Identifier: BSL-1.0
// What a wait is waiting for, as a small state machine fed with observations: shared by the
// polling of wait.hpp and the watch hub.
#ifndef FINOVY_IMPL_INTERNAL_WAIT_GOAL_HPP
#define FINOVY_IMPL_INTERNAL_WAIT_GOAL_HPP

#include <finovy/events.hpp>
#include <finovy/impl/internal/client_impl.hpp>
#include <finovy/impl/internal/operation.hpp>
#include <finovy/impl/internal/retry.hpp>
#include <finovy/wait.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <random>
#include <string>

namespace finovy::detail {

enum class goal_state
{
    pending,
    reached,
    hopeless,
};

struct wait_goal
{
    host_status target = host_status::running;
    bool must_leave_target = false;   // reboot: first see it away from `target`
    bool left = false;
    std::chrono::steady_clock::time_point leave_by{};   // ... or give up on seeing that by then

    goal_state observe(host_status seen, const std::vector<host_status>& fail_on,
                       std::chrono::steady_clock::time_point now)
    {
        if (must_leave_target && !left)
        {
            if (!status_reached(seen, target))
            {
                left = true;
                return status_hopeless(seen, target, fail_on) ? goal_state::hopeless : goal_state::pending;
            }
            return now >= leave_by ? goal_state::reached : goal_state::pending;
        }
        if (status_reached(seen, target))
            return goal_state::reached;
        return status_hopeless(seen, target, fail_on) ? goal_state::hopeless : goal_state::pending;
    }
};

// A disk's goal: a status, or (gone) no longer existing.
struct disk_goal
{
    disk_status target = disk_status::in_use;
    bool gone = false;

    goal_state observe(disk_status seen, const std::vector<disk_status>& fail_on) const
    {
        if (!gone && seen == target)
            return goal_state::reached;
        for (auto s : fail_on)
            if (s == seen)
                return goal_state::hopeless;
        // Being destroyed, a disk reaches no status again.
        return !gone && seen == disk_status::destroying ? goal_state::hopeless : goal_state::pending;
    }
};

// Errors a wait outlives (up to max_consecutive_errors): the client's one retry table says which.
inline bool transient_wait_error(const error_code& ec, unsigned http_status = 0) noexcept
{
    return transient(classify(ec, http_status));
}

inline std::chrono::milliseconds jittered(std::chrono::milliseconds d, double jitter)
{
    if (jitter <= 0 || d.count() <= 0)
        return d;
    thread_local std::minstd_rand rng{std::random_device{}()};
    double f = std::uniform_real_distribution<double>(1.0 - jitter, 1.0 + jitter)(rng);
    return std::chrono::milliseconds(static_cast<long long>(static_cast<double>(d.count()) * f));
}

template <class Status>
std::string describe_status(Status s)
{
    std::string name(to_string(s));
    return name == "unknown" ? "unknown(" + std::to_string(static_cast<int>(s)) + ")" : name;
}

// The per-request options of a composed operation's polls: the caller's, in the background lane.
inline call_options polling_call(call_options o)
{
    o.background = true;
    return o;
}

// Calls a user's on_observe: an exception it throws becomes `ec` (and a message in `diag`).
template <class F, class Object>
error_code observe_safely(const F& on_observe, const Object& o, diagnostics& diag) noexcept
{
    if (!on_observe)
        return {};
    try
    {
        on_observe(o);
        return {};
    }
    catch (const std::exception& e)
    {
        diagnostics_access::set_client_message(diag, std::string("on_observe threw: ") + e.what());
    }
    catch (...)
    {
        diagnostics_access::set_client_message(diag, "on_observe threw");
    }
    return client_errc::bad_response;
}

// The name of a wait, for its event.
inline const char* wait_name(then_wait act) noexcept
{
    switch (act)
    {
    case then_wait::power_on: return "power_on_and_wait";
    case then_wait::power_off: return "power_off_and_wait";
    case then_wait::reboot: return "reboot_and_wait";
    default: return "wait_for_status";
    }
}

// The wait_ended event (events.hpp), when the client's events are listened to.
inline void report_wait(client& c, const char* operation, const call_options& call, const std::string& id,
                        const error_code& ec, int polls, int last_status, std::chrono::steady_clock::time_point started)
{
    const auto& impl = client_access::impl(c);
    if (!impl->opts.events)
        return;
    wait_ended_event e;
    e.operation = operation;
    e.tag = call.tag;
    e.id = id;
    e.error = ec;
    e.polls = polls;
    e.last_status = last_status;
    e.latency = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    impl->emit(e);
}

// Powers on, off or reboots the host (or nothing), then polls it until `target`;
// st->value is the last host seen, st->diag says why it failed.
FINOVY_DECL boost::asio::awaitable<error_code> act_then_poll(client c, std::string id, then_wait act,
                                                             host_status target, wait_options o, call_options call,
                                                             std::shared_ptr<result_state<host>> st);

}   // namespace finovy::detail

#endif
