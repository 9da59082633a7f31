// SPDX-License-Identifier: BSL-1.0
// What the templates of the composed operations (waits, listings, creates, reconciliation) need:
// their initiation, which hands a non-template start function a type-erased handler.
#ifndef FINOVY_DETAIL_COMPOSED_HPP
#define FINOVY_DETAIL_COMPOSED_HPP

#include <finovy/client.hpp>
#include <finovy/detail/initiate.hpp>

namespace finovy::detail {

// The composed operations' initiation: detail/initiate.hpp's shell, for a client that must not be
// moved-from.
template <class T, class Start, class CompletionToken, class... Args>
auto initiate_composed(client& c, Start start, CompletionToken&& token, Args&&... args)
{
    if (!client_access::impl(c))
        throw_moved_from();
    return initiate<T>(start, std::forward<CompletionToken>(token), client_access::impl(c), std::forward<Args>(args)...);
}

}   // namespace finovy::detail

#endif
