// SPDX-License-Identifier: BSL-1.0
/// \file
/// The client's rate governor and retry budget: how a client paces its requests against an API
/// that throttles at a rate it does not publish (220025 "请求太过频繁", or HTTP 429).
///
/// <b>Rate governor.</b> One per client, shared by all its calls.
/// - Unthrottled, it does nothing: no limit, no waiting, no cost but a counter per answer.
/// - Adaptive (the default), after the first throttled answer it sends through a token bucket
///   whose rate follows CUBIC, as AWS SDKs' "adaptive" retry mode does:
///   - on a throttled answer: W_max = the rate in use (before any limit: the answers the server
///     let through in the last second; before enough answers tell, what the client sent, per
///     second of sending); rate = beta * rate; K = cbrt((W_max - rate) / C), from the rate set;
///   - on any other answer: rate = max(rate, min(C (t - K)^3 + W_max, 2 * measured)) (t: seconds
///     since the last decrease; measured: answers received in the last second; the cap only
///     while no call waits): a success never lowers the rate;
///
///   with beta = 0.7 and C = 0.4, the rate never below 0.5 requests/s. A throttled answer to a
///   request sent before the last decrease says nothing new and changes nothing (one decrease per
///   episode of the server's pushback, as TCP does per window); a later throttle of the same
///   episode (no success in between) lowers the rate again but not W_max, nor below beta^2 times
///   what the server let through in the last second; and a client pushed back
///   below its last W_max takes W_max = rate (1 + beta) / 2 ("fast convergence", RFC 8312), so that
///   clients sharing a limit even out sooner. The bucket holds at most a tenth of a second of
///   requests, so the client sends smoothly rather than in bursts that a one-second window
///   punishes. Several clients (processes) sharing one account converge to a fair share without
///   talking to each other: each backs off multiplicatively when the shared limit pushes back and
///   grows back along the same curve, the property AIMD and CUBIC are known for
///   (benchmarks/run-all measures four processes sharing one account).
/// - A Retry-After on a throttled answer holds every send of the client until it has passed (at
///   most a minute; also when the governor does not pace); a call whose deadline comes first
///   fails at once (client_errc::timeout). Another answer's Retry-After (a 503) delays only the
///   retry of its own call.
/// - rate_limit_options::max_requests_per_second sets a fixed ceiling from the start, for users
///   who know their quota (adaptive control still applies below it unless
///   rate_limit_options::adaptive is false).
/// - Waiting for a send slot never blocks a thread; a waiting call still honours its deadline and
///   its cancellation. Calls wait in two lanes: the foreground (user calls, and every change:
///   creates, power, deletes) is always served first; the background (the waiters' and the watch
///   hub's polling, or calls made with call_options::background) takes only slots the foreground
///   leaves, so under pressure a hub round stretches instead of taking the users' share.
/// - client_stats shows the current rate, the calls waiting in each lane and the throttled answers.
///
/// <b>Throttling is not failure:</b> a call answered 220025 or 429 is sent again when the governor
/// allows, until its deadline, whatever retry_policy::max_attempts says; even a create, since the
/// server says it did nothing. A client whose governor does not pace (`adaptive` false and no
/// ceiling) waits a backoff (retry_policy, never less than Retry-After) between such resends
/// instead.
///
/// <b>Retry budget.</b> Independently, a client-wide budget bounds the retries of other failures
/// (5xx, timeouts, resets), like AWS's retry quota: it starts at `capacity` tokens; a retry costs
/// `retry_cost` (`timeout_cost` after a timeout); an answer that needed no retry gives back 1, one
/// that succeeded after retries gives back what they cost; a retry the budget cannot pay for is not
/// made, and the call fails with its last error. So when the server fails broadly (every answer a
/// 503), a client sends little more than one request per call instead of max_attempts each.
#ifndef FINOVY_RATE_LIMIT_HPP
#define FINOVY_RATE_LIMIT_HPP

namespace finovy {

/// The rate governor's settings (client_options::rate_limit).
struct rate_limit_options
{
    bool adaptive = true;                  ///< learn the server's pace from its throttled answers
    double max_requests_per_second = 0;    ///< a fixed ceiling from the start, in requests per second; 0: none
};

/// The retry budget's settings (client_options::retry_budget), in tokens.
struct retry_budget_options
{
    bool enabled = true;    ///< false: retries are bounded only by retry_policy and the deadline
    int capacity = 500;     ///< tokens at the start, and at most
    int retry_cost = 5;     ///< what a retry costs
    int timeout_cost = 10;  ///< what a retry after a timeout costs
};

}   // namespace finovy

#endif
