#ifndef FINOVY_IMPL_CLIENT_IPP
#define FINOVY_IMPL_CLIENT_IPP

#include <finovy/client.hpp>
#include <finovy/detail/client_impl.hpp>

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

FINOVY_DECL client::executor_type client::get_executor() const noexcept { return impl_->executor; }

FINOVY_DECL const client_options& client::options() const noexcept { return impl_->opts; }

FINOVY_DECL client_stats client::stats() const { return impl_->stats(); }

FINOVY_DECL void client::close() { impl_->close(); }

}   // namespace finovy

#endif
