// SPDX-License-Identifier: BSL-1.0
#ifndef FINOVY_IMPL_ERROR_IPP
#define FINOVY_IMPL_ERROR_IPP

#include <finovy/error.hpp>
#include <finovy/impl/internal/failure_kind.hpp>

#include <string>

namespace finovy {

namespace detail {

struct code_meaning
{
    int code;
    const char* en;
    const char* zh;
};

// From the vendor documents; 220018 has two meanings there, both given.
inline constexpr code_meaning code_table[] = {
    {401, "authentication failed (bad or expired token)", "身份认证失败"},
    {500, "system error", "系统错误"},
    {503, "interface error", "接口异常"},
    {1001, "permission denied or bad parameters", "权限不足"},
    {1003, "business error", "自定义业务异常"},
    {1005, "request in progress", "请求处理中"},
    {1007, "missing required parameter", "请求缺少必要参数"},
    {1021, "host does not exist", "机器不存在"},
    {1037, "real-name verification required", "未进行实名认证"},
    {6000, "host is booting", "开机中"},
    {6001, "host is shutting down", "关机中"},
    {6002, "not enough resources; choose another package", "资源不足, 请重新选择配置"},
    {6003, "wallet balance below one hour", "钱包余额不足一小时"},
    {6005, "creation pending; retry later", "创建等待"},
    {7002, "a host that was never started cannot reboot", "未启动的主机不能重启"},
    {7003, "host unavailable; retry later", "主机不可用，不能重启"},
    {7004, "host not running; cannot reboot", "主机未运行，不能重启"},
    {7005, "package type and image type differ", "主机模板类型与镜像类型不一致"},
    {9000, "wallet error", "钱包异常"},
    {9001, "insufficient wallet balance", "钱包余额不足"},
    {220001, "cloud disk does not exist", "云硬盘不存在"},
    {220002, "disk already mounted", "硬盘已挂载"},
    {220004, "host not powered on", "主机未开机"},
    {220006, "disk already unmounted", "硬盘已卸载"},
    {220007, "unmount failed; retry", "卸载失败"},
    {220009, "host is not powered off", "主机未关机"},
    {220010, "host's disk limit reached", "主机挂载硬盘限制"},
    {220012, "host was never powered on", "主机从未开机"},
    {220013, "disk smaller than 20 GB", "云硬盘内存小于20G"},
    {220014, "disk capacity above the limit", "云硬盘内存大于最大限制"},
    {220015, "host instance id missing or wrong", "主机实例ID错误"},
    {220016, "host instance does not exist", "主机实例不存在"},
    {220017, "host is not pay-as-you-go", "主机实例订购类型不是按量类型"},
    {220018, "disk and host in different areas, or wrong host type", "云硬盘和主机实例不在同一地区"},
    {220020, "bad disk quantity or mount parameter", "创建云硬盘的购买数量参数错误"},
    {220022, "only a disk waiting to be mounted can be destroyed", "云盘状态为待挂载才可以销毁退还"},
    {220024, "hosts are on different nodes; power both off", "主机不在同一节点上"},
    {220025, "too many requests; slow down", "请求太过频繁,请稍后再试"},
};

inline const code_meaning* find_code(int code) noexcept
{
    for (const auto& m : code_table)
        if (m.code == code)
            return &m;
    return nullptr;
}

class api_category_impl final : public boost::system::error_category
{
public:
    const char* name() const noexcept override { return "finovy.api"; }
    std::string message(int code) const override
    {
        if (const auto* m = find_code(code))
            return std::string(m->en) + " (" + m->zh + ")";
        return "API error " + std::to_string(code);
    }
};

class client_category_impl final : public boost::system::error_category
{
public:
    const char* name() const noexcept override { return "finovy.client"; }
    std::string message(int code) const override
    {
        switch (static_cast<client_errc>(code))
        {
        case client_errc::bad_response: return "the server's answer is not the documented JSON";
        case client_errc::body_too_large: return "the server's answer is larger than the configured maximum";
        case client_errc::timeout: return "timed out";
        case client_errc::outcome_unknown:
            return "the request may have reached the server and was not resent; its outcome is unknown";
        case client_errc::http_status: return "HTTP error status without an API answer";
        case client_errc::operation_rejected: return "the server declined the operation (data: false)";
        case client_errc::invalid_argument: return "invalid argument; nothing was sent";
        case client_errc::insecure_endpoint:
            return "refusing an http:// endpoint: the token would travel in clear (see allow_insecure_http)";
        case client_errc::invalid_endpoint: return "the endpoint is not an http(s)://host[:port][/path] URL";
        case client_errc::no_credentials: return "no credentials: set an access token, or uuid and secret";
        case client_errc::shut_down: return "the client was closed";
        case client_errc::unexpected_status: return "the host reached a status from which the target is unreachable";
        case client_errc::host_not_resolved: return "the created host could not be identified in the account";
        case client_errc::proxy_refused: return "the HTTP proxy refused to open a tunnel to the API";
        case client_errc::proxy_error: return "the HTTP proxy could not open a tunnel to the API";
        }
        return "finovy client error " + std::to_string(code);
    }
};

}   // namespace detail

FINOVY_DECL const boost::system::error_category& api_category() noexcept
{
    static const detail::api_category_impl c;
    return c;
}

FINOVY_DECL const boost::system::error_category& client_category() noexcept
{
    static const detail::client_category_impl c;
    return c;
}

FINOVY_DECL std::string_view api_code_meaning(int code) noexcept
{
    const auto* m = detail::find_code(code);
    return m ? m->en : std::string_view{};
}

FINOVY_DECL std::string_view api_code_meaning_zh(int code) noexcept
{
    const auto* m = detail::find_code(code);
    return m ? m->zh : std::string_view{};
}

FINOVY_DECL bool is_retryable_api_code(int code) noexcept
{
    return detail::api_code_kind(code) != detail::failure_kind::permanent;   // the client's one retry table
}

}   // namespace finovy

#endif
