// SPDX-License-Identifier: BSL-1.0
// finovy::client's own members (client.hpp).
#ifndef FINOVY_IMPL_CLIENT_IPP
#define FINOVY_IMPL_CLIENT_IPP

#include <finovy/client.hpp>
#include <finovy/impl/internal/client_impl.hpp>

// What the client's members and operations need, compiled with them (in header-only mode, in the
// user's translation unit): each internal .ipp is included here once, and nowhere else.
#include <finovy/impl/asio_ssl_wire.ipp>
#include <finovy/impl/client_credentials.ipp>
#include <finovy/impl/client_events.ipp>
#include <finovy/impl/client_impl.ipp>
#include <finovy/impl/client_token.ipp>
#include <finovy/impl/native_wire.ipp>
#include <finovy/impl/operations.ipp>
#include <finovy/impl/transport.ipp>
#include <finovy/impl/wire.ipp>

namespace finovy {

FINOVY_DECL client::client(executor_type ex, client_options opts)
    : impl_(std::make_shared<detail::client_impl>(std::move(ex), std::move(opts)))
{
}

FINOVY_DECL client::~client()
{
    if (impl_ && owner_)
        impl_->close();
}

// A moved-from client has no state: it answers what an empty one would, and its calls fail with
// client_errc::shut_down.
FINOVY_DECL client::executor_type client::get_executor() const noexcept
{
    return impl_ ? impl_->executor : executor_type();
}

FINOVY_DECL const client_options& client::options() const noexcept
{
    static const client_options none;
    return impl_ ? impl_->opts : none;
}

FINOVY_DECL client_stats client::stats() const { return impl_ ? impl_->stats() : client_stats{}; }

FINOVY_DECL void client::close()
{
    if (impl_)
        impl_->close();
}

}   // namespace finovy

#endif
