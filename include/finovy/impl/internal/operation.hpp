// SPDX-License-Identifier: BSL-1.0
// ONE way to run the library's coroutines as Asio asynchronous operations, for the client's calls
// and for the composed operations (waits, listings, creates, the hub). run_as_operation owns:
// - exceptions: whatever escapes the coroutine (std::bad_alloc included) becomes an error_code;
// - diagnostics: copied to the caller's diagnostics& and to with_diagnostics' own, before the handler;
// - cancellation: the caller's per-operation cancellation is forwarded to the coroutine through a
//   signal the operation owns (see below), and the forwarding stops before the handler runs;
// - the completion executor: the handler's associated executor, or else the client's executor,
//   never an internal strand (as Asio libraries document).
// Only top-level operations set the cancellation state (top_level() or client_impl::run); the
// coroutines they await check cancelled() after each co_await instead of resetting it, so that a
// cancellation arriving between two steps is never wiped.
#ifndef FINOVY_IMPL_INTERNAL_OPERATION_HPP
#define FINOVY_IMPL_INTERNAL_OPERATION_HPP

#include <finovy/call_context.hpp>
#include <finovy/detail/operations.hpp>
#include <finovy/diagnostics.hpp>

#include <boost/asio/any_completion_executor.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/associator.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/errc.hpp>
#include <boost/system/system_error.hpp>

#include <exception>
#include <memory>
#include <new>
#include <type_traits>

namespace finovy::detail {

namespace asio = boost::asio;

// What every operation shares with its coroutine.
struct operation_state
{
    std::string tag;                       // call_options::tag, owned (the caller's view may not last)
    diagnostics diag;
    diagnostics* user_diag = nullptr;      // the caller's diagnostics&, if any
    diagnostics* handler_diag = nullptr;   // with_diagnostics' own, if any
    asio::cancellation_signal cancel;      // the caller's cancellation, forwarded
    virtual ~operation_state() = default;
};

// A composed operation's state: its coroutine fills `value` and `diag`.
template <class T>
struct result_state : operation_state
{
    T value{};
    bool keep_value_on_error = false;   // waits hand over the last host they saw

    T take(const error_code& ec) { return ec && !keep_value_on_error ? T{} : std::move(value); }
};
template <>
struct result_state<void> : operation_state
{
};

// Forwards the caller's cancellation to the operation's own signal. co_spawn's own forwarding
// dispatches to the coroutine's executor a lambda pointing into the caller's slot; when that
// executor is busy (a connection's strand shared by calls) it may run after the caller destroyed its
// signal. Here the emission holds the operation's state, which owns the signal the coroutine listens
// to, and the caller's slot is cleared before the handler runs.
template <class State>
struct cancel_forwarder
{
    std::shared_ptr<State> state;
    asio::any_io_executor ex;   // where the coroutine runs

    void operator()(asio::cancellation_type_t type)
    {
        asio::dispatch(ex, [st = state, type] { st->cancel.emit(type); });
    }
};

template <class Handler, class State>
void forward_cancellation(Handler& handler, const std::shared_ptr<State>& state, const asio::any_io_executor& ex)
{
    auto slot = asio::get_associated_cancellation_slot(handler);
    if (slot.is_connected())
        slot.template emplace<cancel_forwarder<State>>(cancel_forwarder<State>{state, ex});
}

template <class Handler>
void stop_forwarding(Handler& handler)
{
    auto slot = asio::get_associated_cancellation_slot(handler);
    if (slot.is_connected())
        slot.clear();
}

// The error an exception escaping an operation's coroutine stands for.
inline error_code error_from_exception(std::exception_ptr ep, diagnostics& diag)
{
    try
    {
        std::rethrow_exception(ep);
    }
    catch (const boost::system::system_error& e)
    {
        return e.code();
    }
    catch (const std::bad_alloc&)
    {
        diagnostics_access::set_client_message(diag, "out of memory");
        return make_error_code(boost::system::errc::not_enough_memory);
    }
    catch (const std::exception& e)
    {
        diagnostics_access::set_client_message(diag, std::string("unexpected exception: ") + e.what());
        return client_errc::bad_response;
    }
    catch (...)
    {
        diagnostics_access::set_client_message(diag, "unexpected exception");
        return client_errc::bad_response;
    }
}

template <class T, class State>
struct operation_completion
{
    handler_for<T> handler;
    std::shared_ptr<State> st;
    asio::any_io_executor home;   // the client's executor: where a handler without one of its own runs

    void operator()(std::exception_ptr ep, error_code ec)
    {
        if (ep)
            ec = error_from_exception(ep, st->diag);
        if (!ec)
        {
            int attempts = st->diag.attempts();
            st->diag = diagnostics{};   // earlier failures are no news
            diagnostics_access::set_attempts(st->diag, attempts);
        }
        if (st->user_diag)
            *st->user_diag = st->diag;
        if (st->handler_diag)
            *st->handler_diag = st->diag;
        stop_forwarding(handler);   // before the handler runs: later emissions reach nothing of ours
        auto h = std::move(handler);
        if constexpr (std::is_void_v<T>)
        {
            st.reset();
            std::move(h)(ec);
        }
        else
        {
            T value = st->take(ec);
            st.reset();
            std::move(h)(ec, std::move(value));
        }
    }
};

}   // namespace finovy::detail

// The completion's executor is the handler's, or else the client's (not the coroutine's strand).
template <class T, class State, class DefaultCandidate>
struct boost::asio::associator<boost::asio::associated_executor, finovy::detail::operation_completion<T, State>,
                               DefaultCandidate>
{
    using type = boost::asio::any_completion_executor;
    static type get(const finovy::detail::operation_completion<T, State>& h) noexcept
    {
        return boost::asio::get_associated_executor(h.handler, boost::asio::any_completion_executor(h.home));
    }
    static type get(const finovy::detail::operation_completion<T, State>& h, const DefaultCandidate&) noexcept
    {
        return get(h);
    }
};

// Everything else (allocator, cancellation slot) is the handler's.
template <template <class, class> class Associator, class T, class State, class DefaultCandidate>
struct boost::asio::associator<Associator, finovy::detail::operation_completion<T, State>, DefaultCandidate>
    : Associator<finovy::detail::handler_for<T>, DefaultCandidate>
{
    using inner = Associator<finovy::detail::handler_for<T>, DefaultCandidate>;
    static typename inner::type get(const finovy::detail::operation_completion<T, State>& h) noexcept
    {
        return inner::get(h.handler);
    }
    static auto get(const finovy::detail::operation_completion<T, State>& h, const DefaultCandidate& c) noexcept
        -> decltype(inner::get(h.handler, c))
    {
        return inner::get(h.handler, c);
    }
};

namespace finovy::detail {

// The per-call options of a composed operation, with their tag owned by its state.
inline call_options owned_options(const call_options& o, operation_state& st)
{
    st.tag.assign(o.tag);
    call_options copy = o;
    copy.tag = st.tag;
    return copy;
}

// Sets the cancellation state of a composed operation's coroutine thread, once, then runs `body`.
inline asio::awaitable<error_code> top_level(asio::awaitable<error_code> body)
{
    co_await asio::this_coro::throw_if_cancelled(false);
    co_await asio::this_coro::reset_cancellation_state(asio::enable_partial_cancellation());
    co_return co_await std::move(body);
}

// True when the calling coroutine's operation was cancelled (terminal or partial).
inline asio::awaitable<bool> cancelled()
{
    co_return (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none;
}

// Runs `body` (an awaitable<error_code> filling `st`) on `run_on` as an operation completing
// `handler`. A composed operation's body should be wrapped in top_level().
template <class T, class State, class Executor>
void run_as_operation(const Executor& run_on, asio::any_io_executor home, std::shared_ptr<State> st,
                      asio::awaitable<error_code> body, handler_for<T> handler)
{
    forward_cancellation(handler, st, asio::any_io_executor(run_on));
    auto slot = st->cancel.slot();
    asio::co_spawn(run_on, std::move(body),
                   asio::bind_cancellation_slot(
                       slot, operation_completion<T, State>{std::move(handler), std::move(st), std::move(home)}));
}

// Starts a composed operation: `make(st)` returns its body.
template <class T, class Executor, class Make>
void start_composed(const Executor& run_on, asio::any_io_executor home, diagnostics* user, diagnostics* own,
                    handler_for<T> handler, Make make, bool keep_value_on_error = false)
{
    auto st = std::make_shared<result_state<T>>();
    st->user_diag = user;
    st->handler_diag = own;
    if constexpr (!std::is_void_v<T>)
        st->keep_value_on_error = keep_value_on_error;
    auto body = top_level(make(st));
    run_as_operation<T>(run_on, std::move(home), std::move(st), std::move(body), std::move(handler));
}

}   // namespace finovy::detail

#endif
