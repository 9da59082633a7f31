// SPDX-License-Identifier: BSL-1.0
// Template bodies of finovy::client: each async_* function is the one initiation shell
// (detail/initiate.hpp) around a non-template entry point (detail/operations.hpp).
#ifndef FINOVY_IMPL_CLIENT_HPP
#define FINOVY_IMPL_CLIENT_HPP

#include <finovy/client.hpp>

#include <finovy/detail/initiate.hpp>

#include <boost/asio/any_completion_handler.hpp>

namespace finovy {

template <class T, class Start, class CompletionToken, class... Args>
auto client::initiate(call_context ctx, Start start, CompletionToken&& token, Args&&... args)
{
    if (!impl_)   // a moved-from client: a bug in the caller, said at once
        detail::throw_moved_from();
    return detail::initiate<T>(start, std::forward<CompletionToken>(token), impl_, std::forward<Args>(args)...,
                              std::move(ctx));
}

template <FINOVY_TOKEN_FOR(token_info) CompletionToken>
auto client::async_get_token(CompletionToken&& token)
{
    return async_get_token(call_context{}, std::forward<CompletionToken>(token));
}
template <FINOVY_TOKEN_FOR(token_info) CompletionToken>
auto client::async_get_token(call_context ctx, CompletionToken&& token)
{
    return initiate<token_info>(ctx, &detail::start_get_token, std::forward<CompletionToken>(token));
}

template <FINOVY_TOKEN_FOR(std::vector<image>) CompletionToken>
auto client::async_list_images(CompletionToken&& token)
{
    return async_list_images(call_context{}, std::forward<CompletionToken>(token));
}
template <FINOVY_TOKEN_FOR(std::vector<image>) CompletionToken>
auto client::async_list_images(call_context ctx, CompletionToken&& token)
{
    return initiate<std::vector<image>>(ctx, &detail::start_list_images, std::forward<CompletionToken>(token));
}

template <FINOVY_TOKEN_FOR(std::vector<host_package>) CompletionToken>
auto client::async_list_packages(billing_kind kind, CompletionToken&& token)
{
    return async_list_packages(kind, call_context{}, std::forward<CompletionToken>(token));
}
template <FINOVY_TOKEN_FOR(std::vector<host_package>) CompletionToken>
auto client::async_list_packages(billing_kind kind, call_context ctx, CompletionToken&& token)
{
    return initiate<std::vector<host_package>>(ctx, &detail::start_list_packages, std::forward<CompletionToken>(token),
                                               kind);
}

template <FINOVY_TOKEN_FOR(std::optional<std::string>) CompletionToken>
auto client::async_create_pay_as_you_go_host(std::string_view package_id, std::string_view image_id,
                                             CompletionToken&& token)
{
    return async_create_pay_as_you_go_host(package_id, image_id, call_context{}, std::forward<CompletionToken>(token));
}
template <FINOVY_TOKEN_FOR(std::optional<std::string>) CompletionToken>
auto client::async_create_pay_as_you_go_host(std::string_view package_id, std::string_view image_id,
                                             call_context ctx, CompletionToken&& token)
{
    return initiate<std::optional<std::string>>(ctx, &detail::start_create_pay_as_you_go_host,
                                                std::forward<CompletionToken>(token), std::string(package_id),
                                                std::string(image_id));
}

template <FINOVY_TOKEN_FOR(std::string) CompletionToken>
auto client::async_create_fixed_period_host(std::string_view package_id, std::string_view image_id,
                                            rental_period period, CompletionToken&& token)
{
    return async_create_fixed_period_host(package_id, image_id, period, call_context{},
                                          std::forward<CompletionToken>(token));
}
template <FINOVY_TOKEN_FOR(std::string) CompletionToken>
auto client::async_create_fixed_period_host(std::string_view package_id, std::string_view image_id,
                                            rental_period period, call_context ctx, CompletionToken&& token)
{
    return initiate<std::string>(ctx, &detail::start_create_fixed_period_host, std::forward<CompletionToken>(token),
                                 std::string(package_id), std::string(image_id), period);
}

template <FINOVY_TOKEN_FOR(void) CompletionToken>
auto client::async_power_on(std::string_view host_id, CompletionToken&& token)
{
    return async_power_on(host_id, call_context{}, std::forward<CompletionToken>(token));
}
template <FINOVY_TOKEN_FOR(void) CompletionToken>
auto client::async_power_on(std::string_view host_id, call_context ctx, CompletionToken&& token)
{
    return initiate<void>(ctx, &detail::start_power, std::forward<CompletionToken>(token), std::string(host_id), true);
}

template <FINOVY_TOKEN_FOR(void) CompletionToken>
auto client::async_power_off(std::string_view host_id, CompletionToken&& token)
{
    return async_power_off(host_id, call_context{}, std::forward<CompletionToken>(token));
}
template <FINOVY_TOKEN_FOR(void) CompletionToken>
auto client::async_power_off(std::string_view host_id, call_context ctx, CompletionToken&& token)
{
    return initiate<void>(ctx, &detail::start_power, std::forward<CompletionToken>(token), std::string(host_id), false);
}

template <FINOVY_TOKEN_FOR(void) CompletionToken>
auto client::async_reboot(std::string_view host_id, CompletionToken&& token)
{
    return async_reboot(host_id, call_context{}, std::forward<CompletionToken>(token));
}
template <FINOVY_TOKEN_FOR(void) CompletionToken>
auto client::async_reboot(std::string_view host_id, call_context ctx, CompletionToken&& token)
{
    return initiate<void>(ctx, &detail::start_reboot, std::forward<CompletionToken>(token), std::string(host_id));
}

template <FINOVY_TOKEN_FOR(host) CompletionToken>
auto client::async_get_host(std::string_view host_id, CompletionToken&& token)
{
    return async_get_host(host_id, call_context{}, std::forward<CompletionToken>(token));
}
template <FINOVY_TOKEN_FOR(host) CompletionToken>
auto client::async_get_host(std::string_view host_id, call_context ctx, CompletionToken&& token)
{
    return initiate<host>(ctx, &detail::start_get_host, std::forward<CompletionToken>(token), std::string(host_id));
}

template <FINOVY_TOKEN_FOR(host_page) CompletionToken>
auto client::async_list_hosts(int page, int page_size, CompletionToken&& token)
{
    return async_list_hosts(page, page_size, call_context{}, std::forward<CompletionToken>(token));
}
template <FINOVY_TOKEN_FOR(host_page) CompletionToken>
auto client::async_list_hosts(int page, int page_size, call_context ctx, CompletionToken&& token)
{
    return initiate<host_page>(ctx, &detail::start_list_hosts, std::forward<CompletionToken>(token), page, page_size);
}

template <FINOVY_TOKEN_FOR(void) CompletionToken>
auto client::async_delete_host(std::string_view host_id, CompletionToken&& token)
{
    return async_delete_host(host_id, call_context{}, std::forward<CompletionToken>(token));
}
template <FINOVY_TOKEN_FOR(void) CompletionToken>
auto client::async_delete_host(std::string_view host_id, call_context ctx, CompletionToken&& token)
{
    return initiate<void>(ctx, &detail::start_delete_host, std::forward<CompletionToken>(token), std::string(host_id));
}

template <FINOVY_TOKEN_FOR(std::string) CompletionToken>
auto client::async_create_disk(const disk_create_request& req, CompletionToken&& token)
{
    return async_create_disk(req, call_context{}, std::forward<CompletionToken>(token));
}
template <FINOVY_TOKEN_FOR(std::string) CompletionToken>
auto client::async_create_disk(const disk_create_request& req, call_context ctx, CompletionToken&& token)
{
    return initiate<std::string>(ctx, &detail::start_create_disk, std::forward<CompletionToken>(token), req);
}

template <FINOVY_TOKEN_FOR(void) CompletionToken>
auto client::async_mount_disk(std::string_view disk_id, std::string_view host_id, CompletionToken&& token)
{
    return async_mount_disk(disk_id, host_id, call_context{}, std::forward<CompletionToken>(token));
}
template <FINOVY_TOKEN_FOR(void) CompletionToken>
auto client::async_mount_disk(std::string_view disk_id, std::string_view host_id, call_context ctx,
                              CompletionToken&& token)
{
    return initiate<void>(ctx, &detail::start_mount_disk, std::forward<CompletionToken>(token), std::string(disk_id),
                          std::string(host_id));
}

template <FINOVY_TOKEN_FOR(disk_page) CompletionToken>
auto client::async_list_disks(const disk_list_request& req, CompletionToken&& token)
{
    return async_list_disks(req, call_context{}, std::forward<CompletionToken>(token));
}
template <FINOVY_TOKEN_FOR(disk_page) CompletionToken>
auto client::async_list_disks(const disk_list_request& req, call_context ctx, CompletionToken&& token)
{
    return initiate<disk_page>(ctx, &detail::start_list_disks, std::forward<CompletionToken>(token), req);
}

template <FINOVY_TOKEN_FOR(disk) CompletionToken>
auto client::async_get_disk(std::string_view disk_id, CompletionToken&& token)
{
    return async_get_disk(disk_id, call_context{}, std::forward<CompletionToken>(token));
}
template <FINOVY_TOKEN_FOR(disk) CompletionToken>
auto client::async_get_disk(std::string_view disk_id, call_context ctx, CompletionToken&& token)
{
    return initiate<disk>(ctx, &detail::start_get_disk, std::forward<CompletionToken>(token), std::string(disk_id));
}

template <FINOVY_TOKEN_FOR(void) CompletionToken>
auto client::async_unmount_disk(std::string_view disk_id, CompletionToken&& token)
{
    return async_unmount_disk(disk_id, call_context{}, std::forward<CompletionToken>(token));
}
template <FINOVY_TOKEN_FOR(void) CompletionToken>
auto client::async_unmount_disk(std::string_view disk_id, call_context ctx, CompletionToken&& token)
{
    return initiate<void>(ctx, &detail::start_update_disk, std::forward<CompletionToken>(token), std::string(disk_id),
                          detail::disk_update::unmount);
}

template <FINOVY_TOKEN_FOR(void) CompletionToken>
auto client::async_destroy_disk(std::string_view disk_id, CompletionToken&& token)
{
    return async_destroy_disk(disk_id, call_context{}, std::forward<CompletionToken>(token));
}
template <FINOVY_TOKEN_FOR(void) CompletionToken>
auto client::async_destroy_disk(std::string_view disk_id, call_context ctx, CompletionToken&& token)
{
    return initiate<void>(ctx, &detail::start_update_disk, std::forward<CompletionToken>(token), std::string(disk_id),
                          detail::disk_update::destroy);
}

template <FINOVY_TOKEN_FOR(std::int64_t) CompletionToken>
auto client::async_get_disk_usage(area a, CompletionToken&& token)
{
    return async_get_disk_usage(a, call_context{}, std::forward<CompletionToken>(token));
}
template <FINOVY_TOKEN_FOR(std::int64_t) CompletionToken>
auto client::async_get_disk_usage(area a, call_context ctx, CompletionToken&& token)
{
    return initiate<std::int64_t>(ctx, &detail::start_get_disk_usage, std::forward<CompletionToken>(token), a);
}

template <FINOVY_TOKEN_FOR(raw_response) CompletionToken>
auto client::async_request(boost::beast::http::verb method, std::string_view target, std::string_view body,
                           bool with_token, call_context ctx, CompletionToken&& token)
{
    return initiate<raw_response>(ctx, &detail::start_request, std::forward<CompletionToken>(token), method,
                                  std::string(target), std::string(body), with_token);
}

}   // namespace finovy

#endif
