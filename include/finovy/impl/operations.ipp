// SPDX-License-Identifier: BSL-1.0
// Each endpoint's request, and the launch of a call as a coroutine on a strand of its own.
#ifndef FINOVY_IMPL_OPERATIONS_IPP
#define FINOVY_IMPL_OPERATIONS_IPP

#include <finovy/impl/internal/client_impl.hpp>
#include <finovy/impl/internal/operation.hpp>
#include <finovy/detail/operations.hpp>

#include <boost/asio/strand.hpp>
#include <boost/json/serialize.hpp>

namespace finovy::detail {

namespace http = boost::beast::http;

// Starts a call. A client shared by threads runs each call on a strand: the strand of a connection
// free right now (the common case: one strand for the whole call), or else a strand of its own.
template <class T>
void launch(impl_ptr impl, request_spec spec, const call_context& ctx, diagnostics* own, handler_for<T> handler,
            std::shared_ptr<typed_op<T>> op = nullptr)
{
    if (!op)
        op = std::make_shared<typed_op<T>>();
    op->spec = std::move(spec);
    op->call = owned_options(ctx.options, *op);   // the caller's tag may not outlive this call
    op->started = std::chrono::steady_clock::now();
    op->user_diag = ctx.diag;
    op->handler_diag = own;
    impl->calls++;
    asio::any_io_executor ex = impl->executor;
    if (impl->opts.thread_safe)
    {
        std::string token;
        op->slot_epoch = impl->slot_epoch();
        if (op->spec.invalid.empty() && (!op->spec.needs_token || impl->token_now(token)) && impl->try_send_slot())
        {
            op->slot_taken = true;
            try
            {
                op->first = impl->acquire_now();   // gave its slot back if it threw
            }
            catch (...)
            {
                // No connection could be made now: the call tries again, where a failure completes
                // it with an error instead of throwing from the initiating function.
            }
        }
        ex = op->first ? op->first->exec : asio::any_io_executor(asio::make_strand(impl->executor));
    }
    try
    {
        auto body = client_impl::run(impl, op);
        run_as_operation<T>(ex, impl->executor, op, std::move(body), std::move(handler));
    }
    catch (...)
    {
        if (op->first)   // nothing started: the connection goes back, not lost
            impl->give_back(std::move(op->first));
        throw;
    }
}

FINOVY_DECL void throw_moved_from()
{
    throw boost::system::system_error(client_errc::shut_down, "finovy::client: this client was moved from");
}

inline std::string json_text(const boost::json::object& o) { return boost::json::serialize(o); }

inline bool check_id(request_spec& s, std::string_view what, std::string_view id)
{
    if (valid_id(id))
        return true;
    s.invalid = std::string(what) + " must be 1 to 64 characters of A-Z, a-z, 0-9, '-' or '_'";
    return false;
}

FINOVY_DECL void start_get_token(impl_ptr impl, call_context ctx, diagnostics* own, handler_for<token_info> h)
{
    request_spec s;
    s.op = operation_id::get_token;
    s.method = http::verb::post;
    s.target = "/v1/auth/getToken";
    s.needs_token = false;
    s.decode = &decode_result<token_info>;
    if (impl->opts.uuid.empty() || impl->opts.secret.empty())
    {
        s.invalid = "get_token needs client_options::uuid and secret";
        s.invalid_code = client_errc::no_credentials;
    }
    else
        s.body = json_text({{"uuid", impl->opts.uuid}, {"secret", impl->opts.secret}});
    launch<token_info>(std::move(impl), std::move(s), ctx, own, std::move(h));
}

FINOVY_DECL void start_list_images(impl_ptr impl, call_context ctx, diagnostics* own, handler_for<std::vector<image>> h)
{
    request_spec s;
    s.op = operation_id::list_images;
    s.target = "/v1/pve/open/image";
    s.decode = &decode_result<std::vector<image>>;
    launch<std::vector<image>>(std::move(impl), std::move(s), ctx, own, std::move(h));
}

FINOVY_DECL void start_list_packages(impl_ptr impl, billing_kind kind, call_context ctx, diagnostics* own,
                                     handler_for<std::vector<host_package>> h)
{
    request_spec s;
    s.op = operation_id::list_packages;
    s.target = "/v1/pve/open/packAge/" + std::to_string(static_cast<int>(kind));
    s.decode = &decode_result<std::vector<host_package>>;
    if (kind != billing_kind::pay_as_you_go && kind != billing_kind::fixed_period)
        s.invalid = "billing kind must be pay_as_you_go or fixed_period";
    launch<std::vector<host_package>>(std::move(impl), std::move(s), ctx, own, std::move(h));
}

FINOVY_DECL void start_create_pay_as_you_go_host(impl_ptr impl, std::string package_id, std::string image_id,
                                                 call_context ctx, diagnostics* own,
                                                 handler_for<std::optional<std::string>> h)
{
    request_spec s;
    s.op = operation_id::create_pay_as_you_go_host;
    s.method = http::verb::post;
    s.target = "/v1/pve/open/createquantity";
    s.resend_safe = false;
    s.decode = &decode_created;
    if (check_id(s, "package id", package_id) && check_id(s, "image id", image_id))
        s.body = json_text({{"packageId", package_id}, {"imageId", image_id}});
    launch<std::optional<std::string>>(std::move(impl), std::move(s), ctx, own, std::move(h));
}

FINOVY_DECL void start_create_fixed_period_host(impl_ptr impl, std::string package_id, std::string image_id,
                                                rental_period period, call_context ctx, diagnostics* own,
                                                handler_for<std::string> h)
{
    request_spec s;
    s.op = operation_id::create_fixed_period_host;
    s.method = http::verb::post;
    s.target = "/v1/pve/open/createRent";
    s.resend_safe = false;
    s.decode = &decode_id;
    int unit = static_cast<int>(period.unit);
    if (check_id(s, "package id", package_id) && check_id(s, "image id", image_id))
    {
        if (period.count < 1 || unit < 0 || unit > 5)
            s.invalid = "the rental period needs a count of at least 1 and a unit from hour to year";
        else
            s.body = json_text({{"packageId", package_id},
                                {"imageId", image_id},
                                {"periodNumber", period.count},
                                {"periodType", unit}});
    }
    launch<std::string>(std::move(impl), std::move(s), ctx, own, std::move(h));
}

FINOVY_DECL void start_power(impl_ptr impl, std::string host_id, bool on, call_context ctx, diagnostics* own,
                             handler_for<void> h)
{
    request_spec s;
    s.op = on ? operation_id::power_on : operation_id::power_off;
    s.resend_safe = false;
    s.decode = &decode_ack;
    if (check_id(s, "host id", host_id))
        s.target = "/v1/pve/open/operate/" + host_id + (on ? "?type=1" : "?type=0");
    launch<void>(std::move(impl), std::move(s), ctx, own, std::move(h));
}

FINOVY_DECL void start_reboot(impl_ptr impl, std::string host_id, call_context ctx, diagnostics* own,
                              handler_for<void> h)
{
    request_spec s;
    s.op = operation_id::reboot;
    s.resend_safe = false;
    s.decode = &decode_ack;
    if (check_id(s, "host id", host_id))
        s.target = "/v1/pve/open/reboot/" + host_id;
    launch<void>(std::move(impl), std::move(s), ctx, own, std::move(h));
}

FINOVY_DECL void start_get_host(impl_ptr impl, std::string host_id, call_context ctx, diagnostics* own,
                                handler_for<host> h)
{
    request_spec s;
    s.op = operation_id::get_host;
    s.decode = &decode_result<host>;
    if (check_id(s, "host id", host_id))
        s.target = "/v1/pve/open/one/" + host_id;
    launch<host>(std::move(impl), std::move(s), ctx, own, std::move(h));
}

// Pages keep the number and size asked for; the answer carries only items and total.
template <class Page>
error_code decode_page_result(const boost::json::value& data, void* out, std::string& why)
{
    auto& p = *static_cast<Page*>(out);
    return decode(data, p, why);
}

FINOVY_DECL void start_list_hosts(impl_ptr impl, int page, int page_size, call_context ctx, diagnostics* own,
                                  handler_for<host_page> h)
{
    request_spec s;
    s.op = operation_id::list_hosts;
    s.decode = &decode_page_result<host_page>;
    if (page < 1 || page_size < 1 || page_size > 25)
        s.invalid = "page must be at least 1 and page_size between 1 and 25";
    s.target = "/v1/pve/open/mypage?page=" + std::to_string(page) + "&pageSize=" + std::to_string(page_size);
    auto op = std::make_shared<typed_op<host_page>>();
    op->page_number = page;
    op->page_size = page_size;
    launch<host_page>(std::move(impl), std::move(s), ctx, own, std::move(h), std::move(op));
}

FINOVY_DECL void start_delete_host(impl_ptr impl, std::string host_id, call_context ctx, diagnostics* own,
                                   handler_for<void> h)
{
    request_spec s;
    s.op = operation_id::delete_host;
    s.method = http::verb::delete_;
    s.resend_safe = false;
    s.decode = &decode_ack;
    if (check_id(s, "host id", host_id))
        s.target = "/v1/pve/open/delete/" + host_id;
    launch<void>(std::move(impl), std::move(s), ctx, own, std::move(h));
}

FINOVY_DECL void start_create_disk(impl_ptr impl, disk_create_request req, call_context ctx, diagnostics* own,
                                   handler_for<std::string> h)
{
    request_spec s;
    s.op = operation_id::create_disk;
    s.method = http::verb::post;
    s.target = "/v1/PveMachineHardDisk/open/create";
    s.resend_safe = false;
    s.decode = &decode_id;
    int area = static_cast<int>(req.area);
    if (area < 0 || area > 2)
        s.invalid = "area must be south_china, west_china or international";
    else if (req.size_gb < 1 || req.count < 1)
        s.invalid = "size_gb and count must be positive";
    else if (!req.mount_on || check_id(s, "host id", *req.mount_on))
    {
        boost::json::object body{{"area", area}, {"memory", req.size_gb}, {"buyNumber", req.count},
                                 {"isMount", req.mount_on ? 1 : 0}};
        if (req.mount_on)
            body["pveId"] = *req.mount_on;
        s.body = json_text(body);
    }
    launch<std::string>(std::move(impl), std::move(s), ctx, own, std::move(h));
}

FINOVY_DECL void start_mount_disk(impl_ptr impl, std::string disk_id, std::string host_id, call_context ctx,
                                  diagnostics* own, handler_for<void> h)
{
    request_spec s;
    s.op = operation_id::mount_disk;
    s.method = http::verb::post;
    s.target = "/v1/PveMachineHardDisk/open/pveCreate";
    s.resend_safe = false;
    s.decode = &decode_ack;
    if (check_id(s, "disk id", disk_id) && check_id(s, "host id", host_id))
        s.body = json_text({{"id", disk_id}, {"pveId", host_id}});
    launch<void>(std::move(impl), std::move(s), ctx, own, std::move(h));
}

FINOVY_DECL void start_list_disks(impl_ptr impl, disk_list_request req, call_context ctx, diagnostics* own,
                                  handler_for<disk_page> h)
{
    request_spec s;
    s.op = operation_id::list_disks;
    s.method = http::verb::post;
    s.target = "/v1/PveMachineHardDisk/open/getList";
    s.decode = &decode_page_result<disk_page>;
    if (req.page < 1 || req.page_size < 1 || req.page_size > 100)
        s.invalid = "page must be at least 1 and page_size between 1 and 100";
    else if (!req.host_id || check_id(s, "host id", *req.host_id))
    {
        boost::json::object body{{"page", req.page}, {"pageSize", req.page_size}};
        if (req.host_id)
            body["pveId"] = *req.host_id;
        if (req.area)
            body["area"] = std::to_string(static_cast<int>(*req.area));
        if (req.billing)
            body["useType"] = std::to_string(static_cast<int>(*req.billing));
        if (req.status)
            body["status"] = std::to_string(static_cast<int>(*req.status));
        s.body = json_text(body);
    }
    auto op = std::make_shared<typed_op<disk_page>>();
    op->page_number = req.page;
    op->page_size = req.page_size;
    launch<disk_page>(std::move(impl), std::move(s), ctx, own, std::move(h), std::move(op));
}

FINOVY_DECL void start_get_disk(impl_ptr impl, std::string disk_id, call_context ctx, diagnostics* own,
                                handler_for<disk> h)
{
    request_spec s;
    s.op = operation_id::get_disk;
    s.decode = &decode_result<disk>;
    if (check_id(s, "disk id", disk_id))
        s.target = "/v1/PveMachineHardDisk/open/info/" + disk_id;
    launch<disk>(std::move(impl), std::move(s), ctx, own, std::move(h));
}

FINOVY_DECL void start_update_disk(impl_ptr impl, std::string disk_id, disk_update what, call_context ctx,
                                   diagnostics* own, handler_for<void> h)
{
    request_spec s;
    s.op = what == disk_update::unmount ? operation_id::unmount_disk : operation_id::destroy_disk;
    s.method = http::verb::put;
    s.target = "/v1/PveMachineHardDisk/open/updateStatus";
    s.resend_safe = false;
    s.decode = &decode_ack;
    if (check_id(s, "disk id", disk_id))
        s.body = json_text({{"id", disk_id}, {"status", what == disk_update::unmount ? "0" : "5"}});
    launch<void>(std::move(impl), std::move(s), ctx, own, std::move(h));
}

FINOVY_DECL void start_get_disk_usage(impl_ptr impl, area a, call_context ctx, diagnostics* own,
                                      handler_for<std::int64_t> h)
{
    request_spec s;
    s.op = operation_id::get_disk_usage;
    s.decode = &decode_disk_usage;
    int n = static_cast<int>(a);
    if (n < 0 || n > 2)
        s.invalid = "area must be south_china, west_china or international";
    s.target = "/v1/PveMachineHardDisk/open/memoryTotal/" + std::to_string(n);
    launch<std::int64_t>(std::move(impl), std::move(s), ctx, own, std::move(h));
}

FINOVY_DECL void start_request(impl_ptr impl, http::verb method, std::string target, std::string body, bool with_token,
                               call_context ctx, diagnostics* own, handler_for<raw_response> h)
{
    request_spec s;
    s.op = operation_id::request;
    s.method = method;
    s.raw = true;
    s.needs_token = with_token;
    s.resend_safe = method == http::verb::get || method == http::verb::head;
    bool ok = !target.empty() && target.front() == '/' && method != http::verb::unknown;
    for (char c : target)
        ok = ok && static_cast<unsigned char>(c) > 0x20 && c != 0x7f;
    if (!ok)
        s.invalid = "the target must be a path starting with '/', without spaces or control characters";
    s.target = std::move(target);
    s.body = std::move(body);
    launch<raw_response>(std::move(impl), std::move(s), ctx, own, std::move(h));
}

}   // namespace finovy::detail

#endif
