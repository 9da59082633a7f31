// SPDX-License-Identifier: BSL-1.0
// What the templates of the composed operations (waits, listings, creates, the hub) need: their
// initiation, which hands a non-template start function a type-erased handler.
#ifndef FINOVY_DETAIL_COMPOSED_HPP
#define FINOVY_DETAIL_COMPOSED_HPP

#include <finovy/client.hpp>

#include <boost/asio/async_result.hpp>

namespace finovy::detail {

// Hands a composed operation's start function its handler, with with_diagnostics' own
// diagnostics when the token is that adapter.
template <class T, class Start>
struct composed_initiation
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
auto initiate_composed(client& c, Start start, CompletionToken&& token, Args&&... args)
{
    if (!client_access::impl(c))
        throw_moved_from();
    return boost::asio::async_initiate<CompletionToken, typename result_signature<T>::type>(
        composed_initiation<T, Start>{start}, token, client_access::impl(c), std::forward<Args>(args)...);
}
}   // namespace finovy::detail

#endif
