// SPDX-License-Identifier: BSL-1.0
// The type-erased entry points behind client's async_* templates: each builds its request and
// starts the call. Non-template, so they compile once (FINOVY_SEPARATE_COMPILATION).
#ifndef FINOVY_DETAIL_OPERATIONS_HPP
#define FINOVY_DETAIL_OPERATIONS_HPP

#include <finovy/call_context.hpp>
#include <finovy/client_options.hpp>
#include <finovy/diagnostics.hpp>
#include <finovy/models.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/beast/http/verb.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace finovy {

namespace detail {

class client_impl;
struct client_access;
using impl_ptr = std::shared_ptr<client_impl>;

template <class T>
struct result_signature
{
    using type = void(error_code, T);
};
template <>
struct result_signature<void>
{
    using type = void(error_code);
};
template <class T>
using handler_for = boost::asio::any_completion_handler<typename result_signature<T>::type>;

// Which of a disk's updateStatus values to send.
enum class disk_update
{
    unmount,
    destroy,
};

// Throws boost::system::system_error(client_errc::shut_down): an operation of a moved-from client.
[[noreturn]] FINOVY_DECL void throw_moved_from();

FINOVY_DECL void start_get_token(impl_ptr, call_context, diagnostics*, handler_for<token_info>);
FINOVY_DECL void start_list_images(impl_ptr, call_context, diagnostics*, handler_for<std::vector<image>>);
FINOVY_DECL void start_list_packages(impl_ptr, billing_kind, call_context, diagnostics*,
                                     handler_for<std::vector<host_package>>);
FINOVY_DECL void start_create_pay_as_you_go_host(impl_ptr, std::string package_id, std::string image_id, call_context,
                                                 diagnostics*, handler_for<std::optional<std::string>>);
FINOVY_DECL void start_create_fixed_period_host(impl_ptr, std::string package_id, std::string image_id, rental_period,
                                                call_context, diagnostics*, handler_for<std::string>);
FINOVY_DECL void start_power(impl_ptr, std::string host_id, bool on, call_context, diagnostics*, handler_for<void>);
FINOVY_DECL void start_reboot(impl_ptr, std::string host_id, call_context, diagnostics*, handler_for<void>);
FINOVY_DECL void start_get_host(impl_ptr, std::string host_id, call_context, diagnostics*, handler_for<host>);
FINOVY_DECL void start_list_hosts(impl_ptr, int page, int page_size, call_context, diagnostics*, handler_for<host_page>);
FINOVY_DECL void start_delete_host(impl_ptr, std::string host_id, call_context, diagnostics*, handler_for<void>);
FINOVY_DECL void start_create_disk(impl_ptr, disk_create_request, call_context, diagnostics*, handler_for<std::string>);
FINOVY_DECL void start_mount_disk(impl_ptr, std::string disk_id, std::string host_id, call_context, diagnostics*,
                                  handler_for<void>);
FINOVY_DECL void start_list_disks(impl_ptr, disk_list_request, call_context, diagnostics*, handler_for<disk_page>);
FINOVY_DECL void start_get_disk(impl_ptr, std::string disk_id, call_context, diagnostics*, handler_for<disk>);
FINOVY_DECL void start_update_disk(impl_ptr, std::string disk_id, disk_update, call_context, diagnostics*,
                                   handler_for<void>);
FINOVY_DECL void start_get_disk_usage(impl_ptr, area, call_context, diagnostics*, handler_for<std::int64_t>);
FINOVY_DECL void start_request(impl_ptr, boost::beast::http::verb method, std::string target, std::string body,
                               bool with_token, call_context, diagnostics*, handler_for<raw_response>);

}   // namespace detail
}   // namespace finovy

#endif
