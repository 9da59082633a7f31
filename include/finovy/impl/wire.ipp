// SPDX-License-Identifier: BSL-1.0
// The wire's deadline (impl/internal/wire.hpp), common to every wire.
#ifndef FINOVY_IMPL_WIRE_IPP
#define FINOVY_IMPL_WIRE_IPP

#include <finovy/impl/internal/wire.hpp>

namespace finovy::detail {

FINOVY_DECL void wire::arm(time_point deadline)
{
    timed_out_ = false;
    deadline_ = deadline;
    timer_.expires_at(deadline);
    // Runs on the connection's executor, as the I/O does: never alongside it.
    timer_.async_wait([self = weak_from_this(), generation = ++armed_](error_code ec) {
        if (ec)
            return;
        auto w = self.lock();
        if (!w || w->armed_ != generation)
            return;
        w->timed_out_ = true;
        w->cancel_io();
    });
}

FINOVY_DECL void wire::disarm()
{
    ++armed_;   // a handler already on its way must not cancel the next attempt
    timer_.cancel();
}

}   // namespace finovy::detail

#endif
