// SPDX-License-Identifier: BSL-1.0
// Whole listings (listing.hpp).
#ifndef FINOVY_IMPL_LISTING_IPP
#define FINOVY_IMPL_LISTING_IPP

#include <finovy/impl/internal/bounded.hpp>
#include <finovy/impl/internal/client_impl.hpp>
#include <finovy/impl/internal/operation.hpp>
#include <finovy/listing.hpp>

#include <boost/asio/strand.hpp>

#include <unordered_set>

namespace finovy::detail {

// Page 1 first (it tells the total), then the rest with bounded concurrency. `fetch(n, diag)`
// returns an awaitable<std::tuple<error_code, page<T>>>.
template <class T, class Fetch>
boost::asio::awaitable<error_code> list_all(Fetch fetch, int page_size, list_options o,
                                            std::shared_ptr<result_state<std::vector<T>>> st)
{
    namespace asio = boost::asio;
    diagnostics d;
    auto [ec, first] = co_await fetch(1, d);
    if (!ec && co_await cancelled())
        co_return asio::error::operation_aborted;
    if (ec)
    {
        st->diag = std::move(d);
        co_return ec;
    }
    auto pages = static_cast<std::size_t>((first.total + page_size - 1) / page_size);
    std::vector<page<T>> rest(pages > 1 ? pages - 1 : 0);
    error_code failed;
    co_await for_each_bounded(rest.size(), o.concurrency, [&](std::size_t i) -> asio::awaitable<void> {
        diagnostics pd;
        auto [e, p] = co_await fetch(static_cast<int>(i) + 2, pd);
        if (e && !failed)
        {
            failed = e;
            st->diag = std::move(pd);
        }
        else if (!e)
            rest[i] = std::move(p);
    });
    if (co_await cancelled())
        co_return asio::error::operation_aborted;
    if (failed)
        co_return failed;
    std::unordered_set<std::string> seen;
    auto& out = st->value;
    std::size_t received = first.items.size();   // not first.total: the server's word, not memory's
    for (const auto& p : rest)
        received += p.items.size();
    out.reserve(received);
    auto take = [&](std::vector<T>& items) {
        for (auto& item : items)
            if (seen.insert(item.id).second)
                out.push_back(std::move(item));
    };
    take(first.items);
    for (auto& p : rest)
        take(p.items);
    co_return error_code{};
}

FINOVY_DECL void start_list_all_hosts(impl_ptr impl, list_options o, call_context ctx, diagnostics* own,
                                      handler_for<std::vector<host>> h)
{
    auto ex = boost::asio::make_strand(impl->executor);
    auto home = impl->executor;
    start_composed<std::vector<host>>(
        ex, std::move(home), ctx.diag, own, std::move(h), [&](std::shared_ptr<result_state<std::vector<host>>> st) {
            auto fetch = [c = std::make_shared<client>(client_access::view(impl)),
                          call = owned_options(ctx.options, *st)](int n, diagnostics& d) {
                return c->async_list_hosts(n, 25, call_context(call, d),
                                           boost::asio::as_tuple(boost::asio::use_awaitable));
            };
            return list_all<host>(std::move(fetch), 25, o, std::move(st));
        });
}

FINOVY_DECL void start_list_all_disks(impl_ptr impl, disk_list_request filter, list_options o, call_context ctx,
                                      diagnostics* own, handler_for<std::vector<disk>> h)
{
    auto ex = boost::asio::make_strand(impl->executor);
    auto home = impl->executor;
    start_composed<std::vector<disk>>(
        ex, std::move(home), ctx.diag, own, std::move(h), [&](std::shared_ptr<result_state<std::vector<disk>>> st) {
            auto fetch = [c = std::make_shared<client>(client_access::view(impl)), filter,
                          call = owned_options(ctx.options, *st)](int n, diagnostics& d) {
                auto req = filter;
                req.page = n;
                req.page_size = 100;
                return c->async_list_disks(req, call_context(call, d),
                                           boost::asio::as_tuple(boost::asio::use_awaitable));
            };
            return list_all<disk>(std::move(fetch), 100, o, std::move(st));
        });
}

}   // namespace finovy::detail

#endif
