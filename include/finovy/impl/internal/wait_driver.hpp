// SPDX-License-Identifier: BSL-1.0
// What the drivers of wait_fsm (a wait of its own, wait.ipp; the watch hub, watch_hub.ipp) share:
// the power change before a wait, the user's on_observe, the words of an ending and its event.
// It names wait.hpp's types without including it: wait.hpp includes wait.ipp, which includes this.
#ifndef FINOVY_IMPL_INTERNAL_WAIT_DRIVER_HPP
#define FINOVY_IMPL_INTERNAL_WAIT_DRIVER_HPP

#include <finovy/client.hpp>
#include <finovy/events.hpp>
#include <finovy/impl/internal/client_impl.hpp>
#include <finovy/impl/internal/operation.hpp>
#include <finovy/impl/internal/wait_fsm.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <random>
#include <string>

namespace finovy {
struct wait_options;
namespace detail {
enum class then_wait;
}
}   // namespace finovy

namespace finovy::detail {

using host_wait_fsm = wait_fsm<std::chrono::steady_clock, host_target>;
using disk_wait_fsm = wait_fsm<std::chrono::steady_clock, disk_target>;

template <class Status>
std::string describe_status(Status s)
{
    std::string name(to_string(s));
    return name == "unknown" ? "unknown(" + std::to_string(static_cast<int>(s)) + ")" : name;
}

inline std::string describe(const host_target& t) { return describe_status(t.target); }
inline std::string describe(const disk_target& t) { return t.gone ? std::string("gone") : describe_status(t.target); }

// A draw in [0, 1) for a wait's jitter.
inline double jitter_draw()
{
    thread_local std::minstd_rand rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

// The per-request options of a wait's reads: the caller's, in the background lane.
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

// Says in `diag` why a wait ended (`read`: the failed read's diagnostics, taken over).
template <class Fsm>
void describe_end(diagnostics& diag, const char* noun, const std::string& id, const typename Fsm::action& a,
                  const Fsm& m, diagnostics* read = nullptr)
{
    const std::string what = std::string(noun) + " " + id;
    const std::string where = m.seen() ? "last seen " + describe_status(m.last()) : std::string("never seen");
    switch (a.why)
    {
    case wait_end::hopeless:
        diagnostics_access::set_client_message(diag, what + " is " + describe_status(m.last()) +
                                                         ": it cannot become " + describe(m.target()));
        break;
    case wait_end::failed:
        if (read)
            diag = std::move(*read);
        diagnostics_access::set_client_message(
            diag, "waiting for " + what + ": " +
                      (diag.client_message().empty() ? a.ec.message() : std::string(diag.client_message())));
        break;
    case wait_end::timed_out:
        diagnostics_access::set_client_message(diag, what + " did not become " + describe(m.target()) + " within " +
                                                         std::to_string(m.settings().timeout.count()) + " ms (" +
                                                         where + ")");
        break;
    case wait_end::cancelled:
        diagnostics_access::set_client_message(diag, "wait for " + what + " cancelled (" + where + ")");
        break;
    case wait_end::reached:
    case wait_end::stopped: break;
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

// The name of a wait, for its event.
FINOVY_DECL const char* wait_name(then_wait act) noexcept;

// How a host wait looks: as `o` says, or (a hub's) every `hub_interval`, without jitter.
FINOVY_DECL wait_settings host_wait_settings(const wait_options& o,
                                             std::optional<std::chrono::milliseconds> hub_interval = {});

// A host wait's goal: `target`, after leaving it first for a reboot.
FINOVY_DECL host_target host_wait_target(host_status target, then_wait act, const wait_options& o);

// Powers on, off or reboots the host (or nothing) before a wait; st->diag says why it failed.
FINOVY_DECL boost::asio::awaitable<error_code> change_host(client& c, const std::string& id, then_wait act,
                                                           call_options call, result_state<host>& st);

// Powers on, off or reboots the host (or nothing), then polls it until `target`;
// st->value is the last host seen, st->diag says why it failed.
FINOVY_DECL boost::asio::awaitable<error_code> act_then_poll(client c, std::string id, then_wait act,
                                                             host_status target, wait_options o, call_options call,
                                                             std::shared_ptr<result_state<host>> st);

}   // namespace finovy::detail

#endif
