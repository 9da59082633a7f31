// SPDX-License-Identifier: BSL-1.0
/// \file
/// What a client does, as events for logs, traces and metrics: client_options::events receives them.
///
/// \code
/// opts.events = [](const finovy::client_event& e) {
///     if (auto* end = std::get_if<finovy::call_ended_event>(&e))
///         log(end->operation, end->tag, end->error, end->latency, end->trace_id);
/// };
/// \endcode
///
/// - call_started / call_ended: once each per call of the client (client.hpp), the client's own
///   getToken calls included (operation "get_token", empty tag). call_ended comes just before the
///   handler is invoked, whatever the outcome.
/// - attempt: once per attempt, sent or not (what client_options::observer receives, plus the tag).
/// - connection_opened and tls_handshake: when the attempt that opened the connection ends, just
///   before its attempt event.
/// - wait_ended and hub_round: from the waits (wait.hpp) and the watch hub (watch_hub.hpp).
///
/// Cost. Nothing is built, formatted or allocated unless client_options::events is set; an event
/// holds views into the client's state, valid only during the hook's call (copy what you keep).
/// Never carries a token, a secret or a password. The hook runs on the thread that runs the call
/// (any thread of the io_context with a thread-safe client): keep it cheap, thread-safe and
/// non-blocking. An exception it throws is swallowed.
#ifndef FINOVY_EVENTS_HPP
#define FINOVY_EVENTS_HPP

#include <finovy/error.hpp>

#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <cstddef>
#include <iterator>
#include <string_view>
#include <variant>

namespace finovy {

/// A call begins, before it waits for a token, a send slot or a connection.
struct call_started_event
{
    std::string_view operation;          ///< "get_host" (stats.hpp's operation_name)
    std::string_view tag;                ///< call_options::tag
    bool background = false;             ///< call_options::background
};

/// A call ends: what its handler is about to receive.
struct call_ended_event
{
    std::string_view operation;          ///< "get_host"
    std::string_view tag;                ///< call_options::tag
    error_code error;                    ///< the outcome
    int attempts = 0;                    ///< requests sent (0: none, e.g. invalid arguments or no token)
    std::chrono::microseconds latency{0};   ///< from the call's start to its end, every wait and retry included
    unsigned http_status = 0;            ///< of the last answer (0: none)
    int api_code = 0;                    ///< the last answer's envelope code (0: success or no envelope)
    std::string_view trace_id;           ///< the last answer's traceId
};

/// One request and its answer (also given to client_options::observer).
struct attempt_event
{
    std::string_view operation;          ///< "get_host"
    boost::beast::http::verb method;     ///< the request's method
    std::string_view path;               ///< "/v1/pve/open/one/Ab12Cd34Ef" (query included)
    int attempt = 1;                     ///< 1, 2, ...
    unsigned http_status = 0;            ///< 0: no answer
    int api_code = 0;                    ///< the envelope's code, 0 on success or without envelope
    std::string_view trace_id;           ///< the answer's traceId, if any
    error_code error;                    ///< the attempt's outcome
    std::chrono::microseconds latency{0};   ///< from the attempt's start to its end
    bool reused_connection = false;      ///< a kept-alive connection, no handshake
    bool will_retry = false;             ///< the call tries again
    std::string_view tag;                ///< call_options::tag
};

/// A TCP connection was opened (and, through a proxy, its tunnel to the API).
struct connection_opened_event
{
    std::string_view operation;          ///< of the call whose attempt opened it
    std::string_view tag;                ///< call_options::tag of that call
    std::string_view host;               ///< the API's host, or the proxy's
    std::string_view port;               ///< its port
    bool via_proxy = false;              ///< through client_options::proxy
    std::chrono::microseconds latency{0};   ///< name look-up (unless cached), connect, the proxy's CONNECT
};

/// A TLS handshake with the API ended.
struct tls_handshake_event
{
    std::string_view operation;          ///< of the call whose attempt made it
    std::string_view tag;                ///< call_options::tag of that call
    std::string_view server_name;        ///< the name sent (SNI) and verified
    bool resumed = false;                ///< abbreviated: a session of an earlier connection was resumed
    error_code error;                    ///< set: it failed (an untrusted certificate, say)
    std::chrono::microseconds latency{0};   ///< the handshake's own duration
};

/// A wait for a host's (or a disk's) status ended (wait.hpp, watch_hub.hpp).
struct wait_ended_event
{
    /// "wait_for_status", "power_on_and_wait", "wait_for_disk_gone", "hub_wait_for_status" (a
    /// watch_hub's), ...
    std::string_view operation;
    std::string_view tag;                ///< call_options::tag of the wait
    std::string_view id;                 ///< the host's or the disk's
    error_code error;                    ///< the outcome
    int polls = 0;                       ///< the looks at its status it took
    int last_status = -1;                ///< the last status seen (-1: none)
    std::chrono::microseconds latency{0};   ///< from the wait's start to its end
};

/// One polling round of a watch_hub ended.
struct hub_round_event
{
    std::size_t waiting = 0;             ///< waits the round looked for
    std::size_t completed = 0;           ///< ... of which it ended
    std::size_t page_requests = 0;       ///< mypage calls it made
    std::size_t host_requests = 0;       ///< one/{id} calls it made
    error_code error;                    ///< the first failure of its calls, if any
    std::chrono::microseconds latency{0};   ///< the round's duration
};

/// Any event of a client: what client_options::events receives.
using client_event = std::variant<call_started_event, call_ended_event, attempt_event, connection_opened_event,
                                  tls_handshake_event, wait_ended_event, hub_round_event>;

/// The event's name: "call_started", "call_ended", "attempt", "connection_opened", "tls_handshake",
/// "wait_ended", "hub_round".
constexpr std::string_view event_name(const client_event& e) noexcept
{
    constexpr std::string_view names[] = {"call_started",  "call_ended", "attempt",  "connection_opened",
                                          "tls_handshake", "wait_ended", "hub_round"};
    return e.index() < std::size(names) ? names[e.index()] : std::string_view("unknown");
}

}   // namespace finovy

#endif
