// Forwards a caller's per-operation cancellation to a call's own signal, without dangling.
//
// co_spawn's own forwarding dispatches to the coroutine's executor a lambda that points into the
// caller's slot; when that executor is busy (a connection's strand shared by calls) the lambda may
// run after the caller destroyed its signal. Here the forwarded emission holds the call's state,
// which owns the signal the coroutine listens to, and the caller's slot is cleared on completion.
#ifndef FINOVY_DETAIL_CANCEL_FORWARD_HPP
#define FINOVY_DETAIL_CANCEL_FORWARD_HPP

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/dispatch.hpp>

#include <memory>

namespace finovy::detail {

// State must have a member `boost::asio::cancellation_signal cancel`.
template <class State>
struct cancel_forwarder
{
    std::shared_ptr<State> state;
    boost::asio::any_io_executor ex;   // where the call runs

    void operator()(boost::asio::cancellation_type_t type)
    {
        boost::asio::dispatch(ex, [st = state, type] { st->cancel.emit(type); });
    }
};

template <class Handler, class State>
void forward_cancellation(Handler& handler, const std::shared_ptr<State>& state, const boost::asio::any_io_executor& ex)
{
    auto slot = boost::asio::get_associated_cancellation_slot(handler);
    if (slot.is_connected())
        slot.template emplace<cancel_forwarder<State>>(cancel_forwarder<State>{state, ex});
}

template <class Handler>
void stop_forwarding(Handler& handler)
{
    auto slot = boost::asio::get_associated_cancellation_slot(handler);
    if (slot.is_connected())
        slot.clear();
}

}   // namespace finovy::detail

#endif
