// What a wait is waiting for, as a small state machine fed with observations: shared by the
// per-host polling of wait.hpp and the watch hub.
#ifndef FINOVY_IMPL_INTERNAL_WAIT_GOAL_HPP
#define FINOVY_IMPL_INTERNAL_WAIT_GOAL_HPP

#include <finovy/impl/internal/operation.hpp>
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

// Errors a wait outlives (up to max_consecutive_errors): the next poll may well succeed.
inline bool transient_wait_error(const error_code& ec) noexcept
{
    if (ec.category() == api_category())
        return is_retryable_api_code(ec.value()) && ec.value() != 401;
    if (ec == client_errc::invalid_argument || ec == client_errc::no_credentials || ec == client_errc::shut_down ||
        ec == client_errc::invalid_endpoint || ec == client_errc::insecure_endpoint)
        return false;
    return true;   // timeouts, transport errors, bad answers
}

inline std::chrono::milliseconds jittered(std::chrono::milliseconds d, double jitter)
{
    if (jitter <= 0 || d.count() <= 0)
        return d;
    thread_local std::minstd_rand rng{std::random_device{}()};
    double f = std::uniform_real_distribution<double>(1.0 - jitter, 1.0 + jitter)(rng);
    return std::chrono::milliseconds(static_cast<long long>(static_cast<double>(d.count()) * f));
}

inline std::string describe_status(host_status s)
{
    std::string name(to_string(s));
    return name == "unknown" ? "unknown(" + std::to_string(static_cast<int>(s)) + ")" : name;
}

// Polls one host until `goal`; st->value is the last host seen, st->diag says why it failed.
FINOVY_DECL boost::asio::awaitable<error_code> poll_host(client c, std::string id, wait_goal goal, wait_options o,
                                                         std::shared_ptr<result_state<host>> st);

// Powers on, off or reboots the host, then polls it like poll_host.
FINOVY_DECL boost::asio::awaitable<error_code> act_then_poll(client c, std::string id, then_wait act, wait_options o,
                                                             std::shared_ptr<result_state<host>> st);

}   // namespace finovy::detail

#endif
