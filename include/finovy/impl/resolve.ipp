#ifndef FINOVY_IMPL_RESOLVE_IPP
#define FINOVY_IMPL_RESOLVE_IPP

#include <finovy/impl/internal/client_impl.hpp>
#include <finovy/impl/internal/operation.hpp>
#include <finovy/impl/internal/wait_goal.hpp>
#include <finovy/listing.hpp>
#include <finovy/resolve.hpp>

#include <boost/asio/strand.hpp>

#include <unordered_set>

namespace finovy::detail {

namespace resolve_helpers {

inline bool same_shape(const host& h, const host_package& p)
{
    return h.cpu_count == p.cpu_count && h.memory_gb == p.memory_gb && h.disk_gb == p.disk_gb &&
           h.gpu_count.value_or(0) == p.gpu_count;
}

// Unlocks on every way out of the coroutine, its destruction included.
struct unlock_on_exit
{
    async_mutex& m;
    ~unlock_on_exit() { m.unlock(); }
};

}   // namespace resolve_helpers

FINOVY_DECL boost::asio::awaitable<error_code> create_resolved(client c, impl_ptr impl, std::string package_id,
                                                               std::string image_id,
                                                               std::shared_ptr<result_state<host>> st)
{
    namespace asio = boost::asio;
    using namespace resolve_helpers;
    const auto tok = asio::as_tuple(asio::use_awaitable);
    if (auto ec = co_await impl->creation_lock.lock())
        co_return ec;
    unlock_on_exit guard{impl->creation_lock};

    diagnostics d;
    auto [e1, before] = co_await async_list_all_hosts(c, list_options{4, &d}, tok);
    if (e1)
    {
        st->diag = std::move(d);
        co_return e1;
    }
    const auto started = std::chrono::system_clock::now();
    auto [e2, given] = co_await c.async_create_pay_as_you_go_host(package_id, image_id, d, tok);
    if (e2)
    {
        st->diag = std::move(d);
        co_return e2;
    }
    if (given)   // a server that says which host it made
    {
        auto [e3, h] = co_await c.async_get_host(*given, d, tok);
        if (e3)
            st->diag = std::move(d);
        st->value = std::move(h);
        co_return e3;
    }

    std::unordered_set<std::string> old;
    for (const auto& h : before)
        old.insert(h.id);
    std::optional<host_package> pkg;
    std::size_t candidates = 0;
    for (int round = 0; round < 5; ++round)
    {
        auto [e4, after] = co_await async_list_all_hosts(c, list_options{4, &d}, tok);
        if (e4)
        {
            st->diag = std::move(d);
            diagnostics_access::set_client_message(st->diag, "the host was created, but listing the account failed: " +
                                                                 e4.message());
            co_return client_errc::host_not_resolved;
        }
        std::vector<host> fresh;
        for (auto& h : after)
            if (!old.count(h.id))
                fresh.push_back(std::move(h));
        if (fresh.size() > 1)
        {
            // Someone else created hosts too: keep those of our package, made since we started.
            if (!pkg)
            {
                auto [e5, pkgs] = co_await c.async_list_packages(billing_kind::pay_as_you_go, d, tok);
                for (auto& p : pkgs)
                    if (p.id == package_id)
                        pkg = p;
            }
            std::erase_if(fresh, [&](const host& h) {
                return (pkg && !same_shape(h, *pkg)) || h.created + std::chrono::minutes(5) < started;
            });
            if (fresh.size() > 1)
            {
                std::sort(fresh.begin(), fresh.end(), [](const host& a, const host& b) { return a.created > b.created; });
                if (fresh[0].created != fresh[1].created)
                    fresh.resize(1);
            }
        }
        if (fresh.size() == 1)
        {
            st->value = std::move(fresh.front());
            co_return error_code{};
        }
        candidates = fresh.size();
        if (candidates > 1)
            break;
        // Not listed yet: the account may lag behind the create.
        asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(200 * (round + 1)));
        co_await t.async_wait(tok);
        if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none)
            co_return asio::error::operation_aborted;
    }
    diagnostics_access::set_client_message(
        st->diag, candidates ? "the host was created, but " + std::to_string(candidates) +
                                   " new hosts of this package appeared at once (another client creating?)"
                             : "the host was created, but it did not appear in the account's listing");
    co_return client_errc::host_not_resolved;
}

FINOVY_DECL void start_create_resolved(impl_ptr impl, std::string package_id, std::string image_id, diagnostics* own,
                                       handler_for<host> h)
{
    auto ex = boost::asio::make_strand(impl->executor);
    start_composed<host>(ex, impl->executor, nullptr, own, std::move(h), [&](std::shared_ptr<result_state<host>> st) {
        return create_resolved(client_access::view(impl), impl, std::move(package_id), std::move(image_id),
                               std::move(st));
    });
}

FINOVY_DECL boost::asio::awaitable<error_code> create_then_wait(impl_ptr impl, std::string package_id,
                                                                std::string image_id, host_status target, wait_options o,
                                                                std::shared_ptr<result_state<host>> st)
{
    if (auto ec = co_await create_resolved(client_access::view(impl), impl, package_id, image_id, st))
        co_return ec;
    auto id = st->value.id;
    if (target == host_status::running)
        co_return co_await act_then_poll(client_access::view(impl), id, then_wait::power_on, std::move(o), st);
    wait_goal goal;
    goal.target = target;
    co_return co_await poll_host(client_access::view(impl), id, goal, std::move(o), st);
}

FINOVY_DECL void start_create_and_wait(impl_ptr impl, std::string package_id, std::string image_id, host_status target,
                                       wait_options o, diagnostics* own, handler_for<host> h)
{
    auto ex = boost::asio::make_strand(impl->executor);
    auto* user = o.diag;
    start_composed<host>(ex, impl->executor, user, own, std::move(h),
        [&](std::shared_ptr<result_state<host>> st) {
            return create_then_wait(impl, std::move(package_id), std::move(image_id), target, std::move(o), std::move(st));
        },
        true);
}

}   // namespace finovy::detail

#endif
