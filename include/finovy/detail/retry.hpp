// Which failures are tried again, and how long to wait: pure functions, unit-tested.
#ifndef FINOVY_DETAIL_RETRY_HPP
#define FINOVY_DETAIL_RETRY_HPP

#include <finovy/client_options.hpp>
#include <finovy/error.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>

namespace finovy::detail {

// What one attempt ended with, as far as retrying cares.
struct attempt_outcome
{
    error_code ec;
    bool delivered = false;   // the whole request was written: the server may have acted on it
    unsigned http_status = 0;
    int api_code = 0;         // the envelope's code, when there was one
};

enum class retry_decision
{
    done,              // success, or an error to report as is
    retry,             // try again after a backoff
    renew_token,       // fetch a new token, then try again at once
    outcome_unknown,   // a change may have happened: report client_errc::outcome_unknown
};

// `resend_safe`: the request only reads (or the server provably did not act on it), so it may be
// sent again after it reached the server. Creating, powering, deleting, mounting are not.
inline retry_decision classify(const attempt_outcome& o, bool resend_safe, bool can_renew_token)
{
    if (!o.ec)
        return retry_decision::done;
    if (o.api_code == 401 || (o.http_status == 401 && o.api_code == 0))
        return can_renew_token ? retry_decision::renew_token : retry_decision::done;
    if (o.api_code != 0)
    {
        switch (o.api_code)
        {
        // Explicit refusals: the server did nothing, so even a create may be resent.
        case 1005:
        case 6005:
        case 7003:
        case 220025: return retry_decision::retry;
        // The server failed while handling it: a read is resent, a change is not.
        case 500:
        case 503: return resend_safe ? retry_decision::retry : retry_decision::outcome_unknown;
        default: return retry_decision::done;
        }
    }
    if (o.http_status == 429)
        return retry_decision::retry;   // rate limited before being handled
    if (o.http_status == 502 || o.http_status == 503 || o.http_status == 504 || o.http_status == 500)
        return resend_safe ? retry_decision::retry : retry_decision::outcome_unknown;
    if (o.http_status >= 400)
        return retry_decision::done;    // another client error status: trying again won't help
    if (o.ec == client_errc::invalid_argument || o.ec == client_errc::body_too_large ||
        o.ec == client_errc::operation_rejected || o.ec == client_errc::shut_down)
        return retry_decision::done;
    // Transport failures, timeouts and unreadable answers.
    if (!o.delivered)
        return retry_decision::retry;
    return resend_safe ? retry_decision::retry : retry_decision::outcome_unknown;
}

// Full jitter: uniform in [0, min(max, initial * multiplier^(attempt-1))], at least `floor`.
template <class Rng>
std::chrono::milliseconds backoff(const retry_policy& p, int attempt, Rng& rng,
                                  std::chrono::milliseconds floor = std::chrono::milliseconds(0))
{
    double cap = static_cast<double>(p.initial_backoff.count()) *
                 std::pow(std::max(1.0, p.multiplier), std::max(0, attempt - 1));
    cap = std::min(cap, static_cast<double>(p.max_backoff.count()));
    auto ms = std::chrono::milliseconds(
        static_cast<long long>(std::uniform_real_distribution<double>(0.0, std::max(0.0, cap))(rng)));
    return std::max(ms, floor);
}

}   // namespace finovy::detail

#endif
