// Waits for an operation that no cancellation interrupts, but only until a deadline.
//
// A DNS look-up runs getaddrinfo on Asio's resolver thread: cancelling it takes effect only
// after getaddrinfo returns, which a broken resolver may delay for tens of seconds. Here the
// operation runs as a coroutine of its own; the caller waits on a timer that either the
// operation's end, the deadline or the caller's cancellation ends. Past the deadline the caller
// goes on with client_errc::timeout and the operation finishes alone, unobserved.
#ifndef FINOVY_DETAIL_AWAIT_UNTIL_HPP
#define FINOVY_DETAIL_AWAIT_UNTIL_HPP

#include <finovy/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <tuple>
#include <utility>

namespace finovy::detail {

template <class T>
struct await_until_state
{
    explicit await_until_state(const boost::asio::any_io_executor& e) : alarm(e) {}
    boost::asio::steady_timer alarm;
    std::optional<std::tuple<error_code, T>> result;
    std::exception_ptr thrown;   // rethrown to the caller, as a co_await would
};

template <class T>
boost::asio::awaitable<std::tuple<error_code, T>> await_alarm(std::shared_ptr<await_until_state<T>> st)
{
    namespace asio = boost::asio;
    if (!st->result)
    {
        auto [ec] = co_await st->alarm.async_wait(asio::as_tuple(asio::use_awaitable));
        if (!st->result)
            co_return std::tuple<error_code, T>(
                ec == asio::error::operation_aborted ? error_code(asio::error::operation_aborted) : error_code(client_errc::timeout),
                T{});
    }
    if (st->thrown)
        std::rethrow_exception(st->thrown);
    co_return std::move(*st->result);
}

// `operation` (awaitable<std::tuple<error_code, T>>, which must own what it uses) runs on `ex`,
// the executor (or strand) the caller runs on, so that the two never run at once.
// Completes with the operation's result, or (client_errc::timeout, T{}) past `deadline`, or
// (operation_aborted, T{}) when the caller's coroutine is cancelled.
// Not a coroutine itself, and taking an awaitable rather than a function that makes one: GCC 12
// destroys some closures passed by value to a coroutine twice (a shared_ptr they hold is
// released twice).
template <class T>
boost::asio::awaitable<std::tuple<error_code, T>> await_until(boost::asio::any_io_executor ex,
                                                             std::chrono::steady_clock::time_point deadline,
                                                             boost::asio::awaitable<std::tuple<error_code, T>> operation)
{
    namespace asio = boost::asio;
    auto st = std::make_shared<await_until_state<T>>(ex);
    st->alarm.expires_at(deadline);
    asio::co_spawn(ex, std::move(operation), [st](std::exception_ptr ep, std::tuple<error_code, T> r) {
        st->thrown = ep;
        st->result = std::move(r);
        st->alarm.cancel();
    });
    return await_alarm<T>(std::move(st));
}

}   // namespace finovy::detail

#endif
