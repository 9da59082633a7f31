// SPDX-License-Identifier: BSL-1.0
// The one initiation shell of every asynchronous operation (the client's calls, waits, listings,
// creates, reconciliation, the hub): async_initiate hands it the handler, and it calls the
// operation's non-template start function with the arguments, with_diagnostics' own diagnostics
// (or null) and the handler type-erased, so that each operation's body compiles once.
#ifndef FINOVY_DETAIL_INITIATE_HPP
#define FINOVY_DETAIL_INITIATE_HPP

#include <finovy/detail/operations.hpp>
#include <finovy/with_diagnostics.hpp>

#include <boost/asio/async_result.hpp>

#include <utility>

namespace finovy::detail {

// start(args..., own diagnostics, handler): every start function takes its arguments in that
// order, the call_context last among them.
template <class T, class Start>
struct initiation
{
    Start start;

    template <class Handler, class... Args>
    void operator()(Handler&& h, Args&&... args)
    {
        diagnostics* own = handler_diagnostics(h);
        start(std::forward<Args>(args)..., own, handler_for<T>(std::forward<Handler>(h)));
    }
};

template <class T, class Start, class CompletionToken, class... Args>
auto initiate(Start start, CompletionToken&& token, Args&&... args)
{
    return boost::asio::async_initiate<CompletionToken, typename result_signature<T>::type>(
        initiation<T, Start>{start}, token, std::forward<Args>(args)...);
}

}   // namespace finovy::detail

#endif
