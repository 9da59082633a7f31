// Runs a library coroutine as an Asio operation: its result and diagnostics go to a type-erased
// handler through the handler's own executor, like the client's calls.
#ifndef FINOVY_DETAIL_SPAWN_HPP
#define FINOVY_DETAIL_SPAWN_HPP

#include <finovy/detail/operations.hpp>

#include <finovy/detail/cancel_forward.hpp>

#include <boost/asio/associator.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>

#include <exception>
#include <memory>

namespace finovy::detail {

template <class T>
struct spawn_state
{
    T value{};
    diagnostics diag;
    diagnostics* user = nullptr;
    diagnostics* own = nullptr;
    bool keep_value_on_error = false;   // waits hand over the last host they saw
    boost::asio::cancellation_signal cancel;   // the caller's cancellation, forwarded
};

template <class T>
struct spawn_completion
{
    handler_for<T> handler;
    std::shared_ptr<spawn_state<T>> st;

    void operator()(std::exception_ptr ep, error_code ec)
    {
        if (ep)
        {
            try
            {
                std::rethrow_exception(ep);
            }
            catch (const boost::system::system_error& e)
            {
                ec = e.code();
            }
            catch (const std::exception& e)
            {
                ec = client_errc::bad_response;
                diagnostics_access::set_client_message(st->diag, std::string("unexpected exception: ") + e.what());
            }
        }
        if (!ec)
            st->diag = diagnostics{};
        if (st->user)
            *st->user = st->diag;
        if (st->own)
            *st->own = st->diag;
        T value = ec && !st->keep_value_on_error ? T{} : std::move(st->value);
        st.reset();
        stop_forwarding(handler);
        auto h = std::move(handler);
        std::move(h)(ec, std::move(value));
    }
};

}   // namespace finovy::detail

template <template <class, class> class Associator, class T, class DefaultCandidate>
struct boost::asio::associator<Associator, finovy::detail::spawn_completion<T>, DefaultCandidate>
    : Associator<finovy::detail::handler_for<T>, DefaultCandidate>
{
    using inner = Associator<finovy::detail::handler_for<T>, DefaultCandidate>;
    static typename inner::type get(const finovy::detail::spawn_completion<T>& h) noexcept { return inner::get(h.handler); }
    static auto get(const finovy::detail::spawn_completion<T>& h, const DefaultCandidate& c) noexcept
        -> decltype(inner::get(h.handler, c))
    {
        return inner::get(h.handler, c);
    }
};

namespace finovy::detail {

// Starts `body(st)` (an awaitable<error_code> filling st->value and st->diag) on `ex`.
template <class T, class Executor, class Body>
void spawn_op(const Executor& ex, diagnostics* user, diagnostics* own, handler_for<T> handler, Body body,
              bool keep_value_on_error = false)
{
    auto st = std::make_shared<spawn_state<T>>();
    st->user = user;
    st->own = own;
    st->keep_value_on_error = keep_value_on_error;
    auto work = body(st);
    forward_cancellation(handler, st, boost::asio::any_io_executor(ex));
    auto slot = st->cancel.slot();
    boost::asio::co_spawn(ex, std::move(work),
                          boost::asio::bind_cancellation_slot(slot, spawn_completion<T>{std::move(handler), std::move(st)}));
}

}   // namespace finovy::detail

#endif
