// SPDX-License-Identifier: BSL-1.0
/// \file
/// Whole listings: every host or disk of the account (async_list_all_hosts(),
/// async_list_all_disks()), or the hosts a page at a time (host_pager).
///
/// A whole listing reads the first page first (for its total), then the other pages
/// concurrently, at most list_options::concurrency at a time. Entries are de-duplicated by id:
/// hosts created or deleted during the listing can shift the pages, so a listing is a snapshot
/// only when nothing changes meanwhile. For huge accounts, host_pager walks the pages one at a
/// time instead.
#ifndef FINOVY_LISTING_HPP
#define FINOVY_LISTING_HPP

#include <finovy/client.hpp>
#include <finovy/detail/composed.hpp>

#include <boost/asio/associator.hpp>

#include <memory>
#include <vector>

namespace finovy {

/// How a whole listing reads its pages.
struct list_options
{
    std::size_t concurrency = 4;   ///< pages in flight at once (after the first)
};

class host_pager;

/// \cond FINOVY_INTERNAL
namespace detail {
template <class Handler>
struct pager_handler;
FINOVY_DECL void start_list_all_hosts(impl_ptr, list_options, call_context, diagnostics*, handler_for<std::vector<host>>);
FINOVY_DECL void start_list_all_disks(impl_ptr, disk_list_request, list_options, call_context, diagnostics*,
                                      handler_for<std::vector<disk>>);
}   // namespace detail
/// \endcond

/**
 * \brief Lists every host of the account, newest first, with per-call settings:
 * `GET v1/pve/open/mypage`, pages of 25.
 * \details The same listing as async_list_all_hosts(client&, list_options, CompletionToken&&)
 * (below): its executor, per-operation cancellation, errors and thread safety are those said there.
 * \awaits{std::vector<host>}
 * \par Handler signature
 * `void(error_code, std::vector<host>)`: every host, or an empty vector on failure.
 * \par Per-call settings
 * `ctx`: its call_options apply to each page request; its diagnostics, if any, are filled when the
 * listing completes (on failure, the failing page's). It replaces list_options::diag of 0.1.0
 * (docs/migrating.md).
 * \par Object lifetimes
 * `opts` and `ctx`'s call_options are copied; `ctx`'s diagnostics, if any, must outlive the
 * operation. The listing keeps the client's internals alive.
 */
template <FINOVY_TOKEN_FOR(std::vector<host>) CompletionToken = default_token>
auto async_list_all_hosts(client& c, list_options opts, call_context ctx, CompletionToken&& token = {})
{
    return detail::initiate_composed<std::vector<host>>(c, &detail::start_list_all_hosts, token, opts, ctx);
}

/**
 * \brief Lists every host of the account, newest first: `GET v1/pve/open/mypage`, pages of 25.
 *
 * \awaits{std::vector<host>}
 * \par Handler signature
 * `void(error_code, std::vector<host>)`: every host, or an empty vector on failure.
 * \par Per-call settings
 * None: each page request uses the client's options. The overload that takes a call_context sets
 * them, and collects diagnostics.
 * \par Executor
 * The handler's associated executor, or else the client's (client::get_executor()).
 * \par Per-operation cancellation
 * `terminal` and `partial`: the pages in flight are cancelled, and the listing completes with
 * `asio::error::operation_aborted` once they have stopped.
 * \par Errors
 * The first error of any page (each page retried as client::async_list_hosts() is, as
 * \retry_table says); there is no partial result.
 * \par Thread safety
 * As the client's functions: safe to call concurrently on a client with
 * client_options::thread_safe.
 * \par Object lifetimes
 * `opts` is copied before the function returns. The listing keeps the client's internals alive.
 */
template <FINOVY_TOKEN_FOR(std::vector<host>) CompletionToken = default_token>
auto async_list_all_hosts(client& c, list_options opts = {}, CompletionToken&& token = {})
{
    return async_list_all_hosts(c, opts, call_context{}, std::forward<CompletionToken>(token));
}

/**
 * \brief Lists every cloud disk matching `filter`, with per-call settings:
 * `POST v1/PveMachineHardDisk/open/getList`, pages of 100.
 * \details The same listing as
 * async_list_all_disks(client&, disk_list_request, list_options, CompletionToken&&) (below): its
 * executor, per-operation cancellation, errors and thread safety are those said there.
 * \awaits{std::vector<disk>}
 * \par Handler signature
 * `void(error_code, std::vector<disk>)`: every disk, or an empty vector on failure.
 * \par Per-call settings
 * `ctx`: its call_options apply to each page request; its diagnostics, if any, are filled when the
 * listing completes (on failure, the failing page's). It replaces list_options::diag of 0.1.0
 * (docs/migrating.md).
 * \par Object lifetimes
 * `filter`, `opts` and `ctx`'s call_options are copied; `ctx`'s diagnostics, if any, must outlive
 * the operation. The listing keeps the client's internals alive.
 */
template <FINOVY_TOKEN_FOR(std::vector<disk>) CompletionToken = default_token>
auto async_list_all_disks(client& c, disk_list_request filter, list_options opts, call_context ctx,
                          CompletionToken&& token = {})
{
    return detail::initiate_composed<std::vector<disk>>(c, &detail::start_list_all_disks, token, std::move(filter),
                                                        opts, ctx);
}

/**
 * \brief Lists every cloud disk matching `filter`: `POST v1/PveMachineHardDisk/open/getList`, pages
 * of 100 (the filter's page and page_size are ignored).
 *
 * \awaits{std::vector<disk>}
 * \par Handler signature
 * `void(error_code, std::vector<disk>)`: every disk, or an empty vector on failure.
 * \par Per-call settings
 * None: each page request uses the client's options. The overload that takes a call_context sets
 * them, and collects diagnostics.
 * \par Executor
 * The handler's associated executor, or else the client's (client::get_executor()).
 * \par Per-operation cancellation
 * `terminal` and `partial`: the pages in flight are cancelled, and the listing completes with
 * `asio::error::operation_aborted` once they have stopped.
 * \par Errors
 * The first error of any page (each page retried as client::async_list_disks() is, as
 * \retry_table says); client_errc::invalid_argument for a malformed host id in the filter. There
 * is no partial result.
 * \par Thread safety
 * As the client's functions: safe to call concurrently on a client with
 * client_options::thread_safe.
 * \par Object lifetimes
 * `filter` and `opts` are copied before the function returns. The listing keeps the client's
 * internals alive.
 */
template <FINOVY_TOKEN_FOR(std::vector<disk>) CompletionToken = default_token>
auto async_list_all_disks(client& c, disk_list_request filter = {}, list_options opts = {},
                          CompletionToken&& token = {})
{
    return async_list_all_disks(c, std::move(filter), opts, call_context{}, std::forward<CompletionToken>(token));
}

/**
 * \brief Walks the account's hosts a page at a time (client::async_list_hosts()), newest first.
 *
 * \code
 * finovy::host_pager pager(api);
 * while (!pager.done())
 *     for (auto& h : (co_await pager.async_next()).items)
 *         std::cout << h << '\n';
 * \endcode
 *
 * \par Thread safety
 * Not thread-safe: one async_next() at a time.
 * \par Object lifetimes
 * The client must outlive the pager.
 */
class host_pager
{
public:
    /// Starts at page 1. `page_size` is 1 to 25 (else async_next() fails with client_errc::invalid_argument).
    explicit host_pager(client& c, int page_size = 25) : client_(&c), size_(page_size) {}

    /// True once the last page was read (or a page came back empty).
    bool done() const noexcept { return done_; }
    /// The number of the page async_next() reads, from 1.
    int next_page() const noexcept { return next_; }

    /**
     * \brief Reads the next page, with per-call settings; done() becomes true with the last one.
     * \details The same read as async_next(CompletionToken&&) (below): its executor, per-operation
     * cancellation, errors and thread safety are those said there.
     * \awaits{host_page}
     * \par Handler signature
     * `void(error_code, host_page)`.
     * \par Per-call settings
     * `ctx`: its call_options apply to the page's request; its diagnostics, if any, are filled when
     * the read completes (what went wrong on failure).
     * \par Object lifetimes
     * As the overload without `ctx`; `ctx`'s call_options are copied, and its diagnostics, if any,
     * must outlive the operation.
     */
    template <FINOVY_TOKEN_FOR(host_page) CompletionToken = default_token>
    auto async_next(call_context ctx, CompletionToken&& token = {});

    /**
     * \brief Reads the next page; done() becomes true with the last one.
     * \details A failed read does not move the pager on: calling again retries the same page.
     *
     * \awaits{host_page}
     * \par Handler signature
     * `void(error_code, host_page)`.
     * \par Per-call settings
     * None: the request uses the client's options. The overload that takes a call_context sets them,
     * and collects diagnostics.
     * \par Executor
     * The handler's associated executor, or else the client's (client::get_executor()).
     * \par Per-operation cancellation
     * As client::async_list_hosts(): `terminal` and `partial`, completing promptly with
     * `asio::error::operation_aborted` (the pager does not move on).
     * \par Errors
     * Those of client::async_list_hosts(): a read, retried as \retry_table says.
     * \par Thread safety
     * Not thread-safe: one async_next() at a time per pager.
     * \par Object lifetimes
     * The pager must outlive the operation (it moves on when the page arrives), and the client
     * must be alive when the operation starts (with `asio::deferred`, when it is launched).
     */
    template <FINOVY_TOKEN_FOR(host_page) CompletionToken = default_token>
    auto async_next(CompletionToken&& token = {})
    {
        return async_next(call_context{}, std::forward<CompletionToken>(token));
    }

private:
    template <class Handler>
    friend struct detail::pager_handler;

    void advance(const host_page& p) noexcept
    {
        ++next_;
        if (p.items.empty() || static_cast<std::int64_t>(next_ - 1) * size_ >= p.total)
            done_ = true;
    }

    client* client_;
    int size_;
    int next_ = 1;
    bool done_ = false;
};

/// \cond FINOVY_INTERNAL
namespace detail {
// Moves the pager on before handing the page to the caller's handler.
template <class Handler>
struct pager_handler
{
    host_pager* pager;
    Handler handler;

    void operator()(error_code ec, host_page p)
    {
        if (!ec)
            pager->advance(p);
        std::move(handler)(ec, std::move(p));
    }
};
}   // namespace detail
/// \endcond

/// \cond FINOVY_INTERNAL
template <FINOVY_TOKEN_FOR(host_page) CompletionToken>
auto host_pager::async_next(call_context ctx, CompletionToken&& token)
{
    return boost::asio::async_initiate<CompletionToken, void(error_code, host_page)>(
        [this, ctx](auto handler) mutable {
            // with_diagnostics' own diagnostics, or the caller's
            if (diagnostics* own = detail::handler_diagnostics(handler); own && !ctx.diag)
                ctx.diag = own;
            client_->async_list_hosts(next_, size_, ctx,
                                      detail::pager_handler<decltype(handler)>{this, std::move(handler)});
        },
        token);
}

/// \endcond

}   // namespace finovy

/// \cond FINOVY_INTERNAL
template <template <class, class> class Associator, class Handler, class DefaultCandidate>
struct boost::asio::associator<Associator, finovy::detail::pager_handler<Handler>, DefaultCandidate>
    : Associator<Handler, DefaultCandidate>
{
    static typename Associator<Handler, DefaultCandidate>::type get(
        const finovy::detail::pager_handler<Handler>& h) noexcept
    {
        return Associator<Handler, DefaultCandidate>::get(h.handler);
    }
    static auto get(const finovy::detail::pager_handler<Handler>& h, const DefaultCandidate& c) noexcept
        -> decltype(Associator<Handler, DefaultCandidate>::get(h.handler, c))
    {
        return Associator<Handler, DefaultCandidate>::get(h.handler, c);
    }
};
/// \endcond

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/listing.ipp>
#endif

#endif
