// SPDX-License-Identifier: BSL-1.0
// Tokens. With the account's uuid and app secret (FINOVY_UUID, FINOVY_SECRET) a client fetches a
// token itself on first use, renews it before it expires and after a 401, one getToken at a time
// however many calls wait. async_get_token fetches one explicitly: to check the credentials, or
// to hand a token to code that must not see the secret.
#include "common/example.hpp"

#include <boost/asio/this_coro.hpp>

asio::awaitable<void> co_main(finovy::client& api)
{
    if (api.options().uuid.empty() || api.options().secret.empty())
        throw std::runtime_error("this example needs FINOVY_UUID and FINOVY_SECRET (or a profile with them)");

    finovy::token_info t = co_await api.async_get_token();
    std::cout << t << '\n';   // a secret prints as ***
    std::cout << "valid for " << std::chrono::duration_cast<std::chrono::minutes>(t.lifetime).count() << " min\n";

    // A second client with that token alone: it cannot renew it (an expired token fails with
    // api_errc::unauthorized). reveal() is the one explicit way to read a secret: never log it.
    auto opts = api.options();
    opts.uuid.clear();
    opts.secret.clear();
    opts.access_token = std::string(t.token.reveal());
    auto ex = co_await asio::this_coro::executor;
    finovy::client other(ex, std::move(opts));
    auto images = co_await other.async_list_images();
    std::cout << "a client given the token sees " << images.size() << " images\n";

    // The first client fetched a token once; its calls reuse it.
    co_await api.async_list_images();
    std::cout << "token fetches: " << api.stats().token_fetches << '\n';
}
