// SPDX-License-Identifier: BSL-1.0
// What a failed attempt says about trying again: ONE table, used by the client's calls and by the
// waiters (wait.hpp, the watch hub), and behind is_retryable_api_code(). Pure functions, unit-tested.
//
//   kind            examples                                        a read      a change (create, power...)
//   throttled       220025, HTTP 429                                resent      resent: the server did not act
//   refused         6005 "retry later", 7003 "retry later"          resent      resent: the server did not act
//   ambiguous       1005 "in progress", 500/503 codes, HTTP 5xx,    resent      outcome_unknown: it may have
//                   transport errors and timeouts after the whole               been acted on, never resent
//                   request was sent, unreadable answers
//   not_delivered   the request was not written in full             resent      resent: provably not acted on
//   unauthorized    401                                             new token, then resent once
//   permanent       1001, 1021, 7005, ..., other HTTP 4xx, a        reported as they are
//                   certificate the client does not trust, a host
//                   name that does not exist, a server that does
//                   not speak TLS, a body too large, invalid
//                   arguments
//
// Throttled attempts do not count against retry_policy::max_attempts nor the retry budget: the call
// goes on until its deadline, paced by the rate governor. The others count, with backoff.
// 1005 ("请求处理中", request in progress) may mean the server is acting on the request, so a change
// answered 1005 ends outcome_unknown; 6005 ("创建等待", creation pending) keeps the documents'
// "retry later" reading: nothing was created.
#ifndef FINOVY_IMPL_INTERNAL_RETRY_HPP
#define FINOVY_IMPL_INTERNAL_RETRY_HPP

#include <finovy/client_options.hpp>
#include <finovy/error.hpp>
#include <finovy/impl/internal/failure_kind.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace finovy::detail {

// A TLS handshake refused because the server's certificate is not trusted (or not for this name):
// trying again cannot heal it.
inline bool is_certificate_failure(const error_code& ec) noexcept
{
    return ec.category() == boost::asio::error::get_ssl_category() &&
           (ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_CERTIFICATE_VERIFY_FAILED);
}

// The resolver says the name does not exist (NXDOMAIN, no address, an unknown service): asking
// again cannot heal it. host_not_found_try_again (EAI_AGAIN: no name server answered) can, and is
// not one of these.
inline bool is_unknown_name(const error_code& ec) noexcept
{
    return ec == boost::asio::error::host_not_found || ec == boost::asio::error::no_data ||
           ec == boost::asio::error::service_not_found;
}

// A TLS handshake that read something other than TLS: the port speaks plain HTTP (an http://
// server behind an https:// endpoint) or another protocol.
inline bool is_not_tls(const error_code& ec) noexcept
{
    if (ec.category() != boost::asio::error::get_ssl_category() ||
        ERR_GET_LIB(static_cast<unsigned long>(ec.value())) != ERR_LIB_SSL)
        return false;
    switch (ERR_GET_REASON(static_cast<unsigned long>(ec.value())))
    {
    case SSL_R_WRONG_VERSION_NUMBER:     // "HTTP/1.1 400" read as a record's header
    case SSL_R_PACKET_LENGTH_TOO_LONG:   // ... or as a record's length
    case SSL_R_UNKNOWN_PROTOCOL: return true;
    default: return false;
    }
}

// What one attempt ended with, as far as retrying cares.
struct attempt_outcome
{
    error_code ec;
    bool delivered = false;   // the whole request was written: the server may have acted on it
    unsigned http_status = 0;
    int api_code = 0;         // the envelope's code, when there was one
};

inline failure_kind classify(const attempt_outcome& o) noexcept
{
    if (!o.ec)
        return failure_kind::none;
    if (o.api_code != 0)
        return api_code_kind(o.api_code);
    if (o.http_status >= 400)
        return http_status_kind(o.http_status);
    if (o.ec == client_errc::invalid_argument || o.ec == client_errc::body_too_large ||
        o.ec == client_errc::operation_rejected || o.ec == client_errc::shut_down ||
        o.ec == client_errc::no_credentials || o.ec == client_errc::http_status ||
        o.ec == client_errc::proxy_refused)
        return failure_kind::permanent;
    // A refused certificate before the request went out; after it (a renegotiation), the request
    // may have been acted on: that is ambiguous like any other failure then.
    if (is_certificate_failure(o.ec) && !o.delivered)
        return failure_kind::permanent;
    // Neither can a name that does not exist, nor a handshake with a server that does not speak TLS.
    if (is_unknown_name(o.ec) || (is_not_tls(o.ec) && !o.delivered))
        return failure_kind::permanent;
    // Transport failures, timeouts and unreadable answers.
    return o.delivered ? failure_kind::ambiguous : failure_kind::not_delivered;
}

// The kind of a call's final error, as a waiter sees it (no knowledge of delivery: transport
// errors count as ambiguous, which a read may retry).
inline failure_kind classify(const error_code& ec, unsigned http_status = 0) noexcept
{
    if (ec.category() == api_category())
        return api_code_kind(ec.value());
    if (ec == client_errc::timeout || ec == client_errc::outcome_unknown || ec == client_errc::bad_response ||
        ec == client_errc::proxy_error)
        return failure_kind::ambiguous;
    if (ec == client_errc::http_status)
        return http_status ? http_status_kind(http_status) : failure_kind::ambiguous;
    if (ec.category() == client_category())
        return failure_kind::permanent;   // invalid arguments, endpoints, credentials, shut down...
    return classify(attempt_outcome{ec, true, 0, 0});
}

// Worth another look by a waiter (up to max_consecutive_errors in a row).
inline bool transient(failure_kind k) noexcept
{
    return k == failure_kind::throttled || k == failure_kind::refused || k == failure_kind::ambiguous ||
           k == failure_kind::not_delivered;
}

enum class retry_decision
{
    done,              // success, or an error to report as is
    retry,             // try again after a backoff; counts as an attempt and spends retry budget
    retry_throttled,   // try again when the rate governor allows; counts nothing, bounded by the deadline
    renew_token,       // fetch a new token, then try again at once
    outcome_unknown,   // a change may have happened: report client_errc::outcome_unknown
};

// `resend_safe`: the request only reads (or is idempotent), so it may be sent again after it
// possibly reached the server.
constexpr retry_decision decide(failure_kind k, bool resend_safe, bool can_renew_token) noexcept
{
    switch (k)
    {
    case failure_kind::none: return retry_decision::done;
    case failure_kind::throttled: return retry_decision::retry_throttled;
    case failure_kind::refused:
    case failure_kind::not_delivered: return retry_decision::retry;
    case failure_kind::ambiguous: return resend_safe ? retry_decision::retry : retry_decision::outcome_unknown;
    case failure_kind::unauthorized: return can_renew_token ? retry_decision::renew_token : retry_decision::done;
    case failure_kind::permanent: return retry_decision::done;
    }
    return retry_decision::done;
}

inline retry_decision classify(const attempt_outcome& o, bool resend_safe, bool can_renew_token) noexcept
{
    return decide(classify(o), resend_safe, can_renew_token);
}

// Full jitter: `jitter` (in [0, 1], drawn by the caller) of min(max, initial * multiplier^(n-1)),
// at least `floor`. Capped well below 2^63 ms: a cast past it is undefined.
inline std::chrono::milliseconds backoff(const retry_policy& p, int n, double jitter,
                                         std::chrono::milliseconds floor = std::chrono::milliseconds(0)) noexcept
{
    double cap = static_cast<double>(p.initial_backoff.count()) *
                 std::pow(std::max(1.0, p.multiplier), std::min(std::max(0, n - 1), 62));
    cap = std::min({cap, static_cast<double>(p.max_backoff.count()), 1e12});
    if (!(jitter >= 0))
        jitter = 0;
    auto ms = std::chrono::milliseconds(static_cast<long long>(std::min(jitter, 1.0) * std::max(0.0, cap)));
    return std::max(ms, floor);
}

}   // namespace finovy::detail

#endif
