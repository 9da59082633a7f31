// Whole listings: every host or disk of the account, the first page first (for its total),
// then the other pages concurrently, at most list_options::concurrency at a time. Entries are
// de-duplicated by id: hosts created or deleted during the listing can shift the pages, so a
// listing is a snapshot only when nothing changes meanwhile. For huge accounts, host_pager walks
// the pages one at a time instead.
//
// Handler: void(error_code, std::vector<host>) (or disk): every entry, or the first page's error.
// Executor: the handler's associated executor, or else the client's.
// Per-operation cancellation: terminal and partial; pages in flight are cancelled and the
// listing completes with asio::error::operation_aborted once they have stopped.
// Per-call settings (call_context): its call_options apply to each page request; its
// diagnostics are filled on failure.
// Thread safety: may be called from any thread; the client must outlive the listing.
#ifndef FINOVY_LISTING_HPP
#define FINOVY_LISTING_HPP

#include <finovy/client.hpp>
#include <finovy/detail/composed.hpp>

#include <boost/asio/associator.hpp>

#include <memory>
#include <vector>

namespace finovy {

struct list_options
{
    std::size_t concurrency = 4;   // pages in flight at once
};

class host_pager;

namespace detail {
template <class Handler>
struct pager_handler;
FINOVY_DECL void start_list_all_hosts(impl_ptr, list_options, call_context, diagnostics*, handler_for<std::vector<host>>);
FINOVY_DECL void start_list_all_disks(impl_ptr, disk_list_request, list_options, call_context, diagnostics*,
                                      handler_for<std::vector<disk>>);
}   // namespace detail

template <FINOVY_TOKEN_FOR(std::vector<host>) CompletionToken = default_token>
auto async_list_all_hosts(client& c, list_options opts, call_context ctx, CompletionToken&& token = {})
{
    return detail::initiate_composed<std::vector<host>>(c, &detail::start_list_all_hosts, token, opts, ctx);
}
template <FINOVY_TOKEN_FOR(std::vector<host>) CompletionToken = default_token>
auto async_list_all_hosts(client& c, list_options opts = {}, CompletionToken&& token = {})
{
    return async_list_all_hosts(c, opts, call_context{}, std::forward<CompletionToken>(token));
}

// Every disk matching `filter` (its page and page_size are ignored: pages of 100 are used).
template <FINOVY_TOKEN_FOR(std::vector<disk>) CompletionToken = default_token>
auto async_list_all_disks(client& c, disk_list_request filter, list_options opts, call_context ctx,
                          CompletionToken&& token = {})
{
    return detail::initiate_composed<std::vector<disk>>(c, &detail::start_list_all_disks, token, std::move(filter),
                                                        opts, ctx);
}
template <FINOVY_TOKEN_FOR(std::vector<disk>) CompletionToken = default_token>
auto async_list_all_disks(client& c, disk_list_request filter = {}, list_options opts = {},
                          CompletionToken&& token = {})
{
    return async_list_all_disks(c, std::move(filter), opts, call_context{}, std::forward<CompletionToken>(token));
}

// Walks the account's hosts a page at a time:
//     host_pager pager(client);
//     while (!pager.done())
//         for (auto& h : (co_await pager.async_next()).items) ...
// Not thread-safe: one async_next at a time; the client must outlive the pager.
class host_pager
{
public:
    explicit host_pager(client& c, int page_size = 25) : client_(&c), size_(page_size) {}

    bool done() const noexcept { return done_; }
    int next_page() const noexcept { return next_; }

    // The next page; done() becomes true with the last one. Handler: void(error_code, host_page).
    // Per-call settings and cancellation as client::async_list_hosts.
    template <FINOVY_TOKEN_FOR(host_page) CompletionToken = default_token>
    auto async_next(call_context ctx, CompletionToken&& token = {});
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

}   // namespace finovy

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

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/listing.ipp>
#endif

#endif
