// SPDX-License-Identifier: BSL-1.0
/// \file
/// with_diagnostics(token): a completion token adapter that turns a failed operation's
/// error_code into an error_with_diagnostics exception carrying the server's code, msg and
/// traceId. It is the default token of every finovy operation, around `asio::use_awaitable`, so that
///
/// \code
/// host h = co_await client.async_get_host(id);   // throws error_with_diagnostics
/// \endcode
///
/// The completion signature `void(error_code, T...)` becomes `void(std::exception_ptr, T...)`.
/// (Not around `asio::deferred`: Boost 1.81's `co_await` of a deferred `void(exception_ptr, T)`
/// operation does not compile, an Asio bug fixed in later releases.)
#ifndef FINOVY_WITH_DIAGNOSTICS_HPP
#define FINOVY_WITH_DIAGNOSTICS_HPP

#include <finovy/diagnostics.hpp>

#include <boost/asio/associator.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

namespace finovy {

/// The completion token adapter made by with_diagnostics().
template <class CompletionToken>
struct with_diagnostics_t
{
    CompletionToken token;   ///< the adapted token
};

/// \brief Adapts `token` so that a failed operation's error_code becomes an error_with_diagnostics
/// exception: the completion signature `void(error_code, T...)` becomes
/// `void(std::exception_ptr, T...)`.
template <class CompletionToken>
with_diagnostics_t<std::decay_t<CompletionToken>> with_diagnostics(CompletionToken&& token)
{
    return {std::forward<CompletionToken>(token)};
}

/// The default completion token of finovy's operations: `co_await` returns the result and throws
/// error_with_diagnostics on failure.
using default_token = with_diagnostics_t<boost::asio::use_awaitable_t<>>;

/// \cond FINOVY_INTERNAL
namespace detail {

// Owns the diagnostics an operation fills, and converts the error on completion.
template <class Handler>
struct diagnostics_handler
{
    Handler inner;
    std::unique_ptr<diagnostics> diag = std::make_unique<diagnostics>();

    template <class... Args>
    void operator()(error_code ec, Args&&... args)
    {
        std::exception_ptr ep;
        if (ec)
            ep = std::make_exception_ptr(error_with_diagnostics(ec, std::move(*diag)));
        diag.reset();
        std::move(inner)(ep, std::forward<Args>(args)...);
    }
};

// Where an operation started with a handler should write its diagnostics: the adapter's own
// object, or nothing.
template <class Handler>
diagnostics* handler_diagnostics(Handler&) noexcept
{
    return nullptr;
}
template <class Handler>
diagnostics* handler_diagnostics(diagnostics_handler<Handler>& h) noexcept
{
    return h.diag.get();
}

template <class Signature>
struct exception_signature;
template <class... Args>
struct exception_signature<void(error_code, Args...)>
{
    using type = void(std::exception_ptr, Args...);
};

template <class Initiation>
struct diagnostics_initiation
{
    Initiation init;

    template <class Handler, class... Args>
    void operator()(Handler&& handler, Args&&... args) &&
    {
        std::move(init)(diagnostics_handler<std::decay_t<Handler>>{std::forward<Handler>(handler)},
                        std::forward<Args>(args)...);
    }
};

}   // namespace detail
/// \endcond
}   // namespace finovy

/// \cond FINOVY_INTERNAL
template <class CompletionToken, class Signature>
struct boost::asio::async_result<finovy::with_diagnostics_t<CompletionToken>, Signature>
{
    template <class Initiation, class RawToken, class... Args>
    static auto initiate(Initiation&& init, RawToken&& token, Args&&... args)
    {
        auto& inner = token.token;   // async_initiate wants an lvalue
        return boost::asio::async_initiate<std::remove_reference_t<decltype(inner)>,
                                           typename finovy::detail::exception_signature<Signature>::type>(
            finovy::detail::diagnostics_initiation<std::decay_t<Initiation>>{std::forward<Initiation>(init)}, inner,
            std::forward<Args>(args)...);
    }
};

template <template <class, class> class Associator, class Handler, class DefaultCandidate>
struct boost::asio::associator<Associator, finovy::detail::diagnostics_handler<Handler>, DefaultCandidate>
    : Associator<Handler, DefaultCandidate>
{
    static typename Associator<Handler, DefaultCandidate>::type get(
        const finovy::detail::diagnostics_handler<Handler>& h) noexcept
    {
        return Associator<Handler, DefaultCandidate>::get(h.inner);
    }

    static auto get(const finovy::detail::diagnostics_handler<Handler>& h, const DefaultCandidate& c) noexcept
        -> decltype(Associator<Handler, DefaultCandidate>::get(h.inner, c))
    {
        return Associator<Handler, DefaultCandidate>::get(h.inner, c);
    }
};
/// \endcond

#endif
