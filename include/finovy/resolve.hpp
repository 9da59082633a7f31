// Creating a pay-as-you-go host and learning which one it is.
//
// createquantity answers only `true`: the documents give no id. async_create_host_resolved lists
// the account's hosts before and after the create and returns the one that appeared. Creates
// through one client are serialized (a FIFO lock held from the first listing to the last), so
// that concurrent calls each get a distinct host. What it cannot know: hosts created meanwhile in
// the same account by another client or program. When more than one new host matches, the one
// whose package (cpu, memory, disk, GPUs) matches and whose createTime is newest is chosen if that
// choice is unique; otherwise the call fails with client_errc::host_not_resolved (the host was
// still created: its candidates are in the diagnostics). A server that answers the id directly
// (newer API versions) skips the listings. Each call costs two whole listings (see listing.hpp).
//
// Handler: void(error_code, host). The create itself follows the client's rules: never resent
// once it may have reached the server (client_errc::outcome_unknown).
#ifndef FINOVY_RESOLVE_HPP
#define FINOVY_RESOLVE_HPP

#include <finovy/client.hpp>
#include <finovy/wait.hpp>

namespace finovy {

namespace detail {
FINOVY_DECL void start_create_resolved(impl_ptr, std::string package_id, std::string image_id, diagnostics*,
                                       handler_for<host>);
FINOVY_DECL void start_create_and_wait(impl_ptr, std::string package_id, std::string image_id, host_status target,
                                       wait_options, diagnostics*, handler_for<host>);
}   // namespace detail

template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_create_host_resolved(client& c, std::string_view package_id, std::string_view image_id,
                                CompletionToken&& token = {})
{
    using start_t = decltype(&detail::start_create_resolved);
    return boost::asio::async_initiate<CompletionToken, void(error_code, host)>(
        detail::wait_initiation<start_t>{&detail::start_create_resolved}, token, detail::client_access::impl(c),
        std::string(package_id), std::string(image_id));
}

// Creates a pay-as-you-go host (resolved as above), then waits for it to be off (0), or powers it
// on and waits for 2 when `target` is running.
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_create_host_and_wait(client& c, std::string_view package_id, std::string_view image_id,
                                host_status target, wait_options opts = {}, CompletionToken&& token = {})
{
    using start_t = decltype(&detail::start_create_and_wait);
    return boost::asio::async_initiate<CompletionToken, void(error_code, host)>(
        detail::wait_initiation<start_t>{&detail::start_create_and_wait}, token, detail::client_access::impl(c),
        std::string(package_id), std::string(image_id), target, std::move(opts));
}

}   // namespace finovy

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/resolve.ipp>
#endif

#endif
