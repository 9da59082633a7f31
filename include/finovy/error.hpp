// SPDX-License-Identifier: BSL-1.0
/// \file
/// Error codes: the API's documented codes (api_errc) and the client's own (client_errc).
///
/// Every operation completes with a `boost::system::error_code`. An API error (the server's
/// envelope has code != 0) is `error_code(code, api_category())`, whatever the code; the codes the
/// documents list have names in api_errc. Failures of the client itself are client_errc.
/// Transport errors keep their own categories (`asio::error`, `asio::ssl::error`,
/// `beast::http::error`), except timeouts, which are client_errc::timeout.
#ifndef FINOVY_ERROR_HPP
#define FINOVY_ERROR_HPP

#include <finovy/config.hpp>

#include <boost/system/error_code.hpp>

#include <string_view>
#include <type_traits>

namespace finovy {

/// The error code type of every operation.
using boost::system::error_code;

/// \brief The API's codes, from the vendor documents (general codes, host codes, cloud-disk codes).
/// \details An error_code of api_category() may hold a code not listed here: a newer server's.
enum class api_errc : int
{
    unauthorized = 401,                  ///< 身份认证失败, authentication failed: a bad or expired token (with uuid/secret, a new token is fetched)
    system_error = 500,                  ///< 系统错误, system error: a read is retried, a change ends client_errc::outcome_unknown
    interface_error = 503,               ///< 接口异常, interface error: a read is retried, a change ends client_errc::outcome_unknown
    permission_denied = 1001,            ///< 权限不足/无权限, permission denied; also bad parameters
    business_error = 1003,               ///< 自定义业务异常, business error
    request_in_progress = 1005,          ///< 请求处理中, request in progress: a read is retried, a change ends client_errc::outcome_unknown
    missing_parameter = 1007,            ///< 请求缺少必要参数, missing required parameter
    host_not_found = 1021,               ///< 机器不存在, host does not exist
    real_name_required = 1037,           ///< 未进行实名认证, real-name verification required
    host_booting = 6000,                 ///< 开机中, host is booting
    host_shutting_down = 6001,           ///< 关机中, host is shutting down
    insufficient_resources = 6002,       ///< 资源不足, 请重新选择配置, not enough resources; choose another package
    wallet_below_one_hour = 6003,        ///< 钱包余额不足(一小时), wallet balance below one hour
    creation_pending = 6005,             ///< 创建等待, creation pending: retry later (resent, even a create)
    host_never_started = 7002,           ///< 未启动的主机不能重启, a host that was never started cannot reboot
    host_unavailable = 7003,             ///< 主机不可用，不能重启, host unavailable: retry later (resent)
    host_not_running = 7004,             ///< 主机未运行，不能重启, host not running; cannot reboot
    type_mismatch = 7005,                ///< 主机模板类型与镜像类型不一致, package type and image type differ
    wallet_error = 9000,                 ///< 钱包异常, wallet error
    insufficient_balance = 9001,         ///< 钱包余额不足, insufficient wallet balance
    disk_not_found = 220001,             ///< 云硬盘不存在, cloud disk does not exist
    disk_already_mounted = 220002,       ///< 硬盘已挂载, disk already mounted
    disk_host_not_started = 220004,      ///< 主机未开机, host not powered on (listed on the image page only)
    disk_already_unmounted = 220006,     ///< 硬盘已卸载, disk already unmounted
    disk_unmount_failed = 220007,        ///< 卸载失败, unmount failed; retry
    disk_host_not_off = 220009,          ///< 主机未关机, host is not powered off
    disk_host_limit = 220010,            ///< 主机挂载硬盘限制, the host's disk limit is reached (30 per host)
    disk_host_never_started = 220012,    ///< 主机(从)未开机, host was never powered on
    disk_too_small = 220013,             ///< 云硬盘内存小于20G, disk smaller than 20 GB
    disk_too_large = 220014,             ///< 云硬盘内存大于最大限制, disk capacity above the limit
    disk_host_id_invalid = 220015,       ///< 主机实例ID错误/未传参, host instance id missing or wrong
    disk_host_not_found = 220016,        ///< 主机实例不存在, host instance does not exist
    disk_host_not_pay_as_you_go = 220017,///< 主机实例订购类型不是按量类型, host is not pay-as-you-go
    disk_area_mismatch = 220018,         ///< 云硬盘和主机实例不在同一地区, disk and host in different areas (also 挂载主机类型错误, wrong host type)
    disk_bad_parameter = 220020,         ///< 创建云硬盘的购买数量/是否挂载参数错误, bad disk quantity or mount parameter
    disk_not_waiting = 220022,           ///< 云盘状态为待挂载才可以销毁退还, only a disk waiting to be mounted can be destroyed
    disk_hosts_on_different_nodes = 220024, ///< 主机不在同一节点上, hosts are on different nodes; power both off
    too_many_requests = 220025,          ///< 请求太过频繁,请稍后再试, too many requests: throttled (resent when the rate governor allows)
};

/// Failures of the client, not reported by the API (client_category()).
enum class client_errc : int
{
    bad_response = 1,        ///< the answer is not the documented JSON (malformed, truncated, wrong types)
    body_too_large,          ///< the answer's body exceeds client_options::max_response_body
    timeout,                 ///< an attempt, or the whole call, ran out of time
    outcome_unknown,         ///< a request that creates or changes something may have reached the server
                             ///< and was not resent; check the account before trying again
    http_status,             ///< an HTTP error status without an API envelope (502 from a proxy, say)
    operation_rejected,      ///< code 0 but data false: the server declined without saying why
    invalid_argument,        ///< an id, page or size the API cannot accept; nothing was sent
    insecure_endpoint,       ///< an http:// endpoint without client_options::allow_insecure_http
    invalid_endpoint,        ///< the endpoint is not a URL the client understands
    no_credentials,          ///< neither an access token nor uuid and secret
    shut_down,               ///< the client was closed
    unexpected_status,       ///< a waited-for host reached a status from which the target is unreachable
    host_not_resolved,       ///< a created host could not be told apart from others in the account
    proxy_refused,           ///< the HTTP proxy refused to open a tunnel (407, 403, ...); nothing was sent
    proxy_error,             ///< the HTTP proxy could not open a tunnel (its 5xx answer to CONNECT: it could not
                             ///< reach the API); nothing was sent, so the call is retried like a refused connection
};

/// The category of the API's codes ("finovy.api"): every non-zero envelope code, named or not.
FINOVY_DECL const boost::system::error_category& api_category() noexcept;
/// The category of client_errc ("finovy.client").
FINOVY_DECL const boost::system::error_category& client_category() noexcept;

/// Makes `api_errc` usable as an error_code.
inline error_code make_error_code(api_errc e) noexcept { return {static_cast<int>(e), api_category()}; }
/// Makes `client_errc` usable as an error_code.
inline error_code make_error_code(client_errc e) noexcept { return {static_cast<int>(e), client_category()}; }

/// The meaning of an API code in English, or an empty view for a code the documents do not list.
FINOVY_DECL std::string_view api_code_meaning(int code) noexcept;
/// The meaning of an API code in the documents' Chinese, or an empty view.
FINOVY_DECL std::string_view api_code_meaning_zh(int code) noexcept;

/// \brief True for codes after which a read is tried again: 220025 (throttled), 6005 and 7003
/// (retry later), 1005, 500 and 503 (the server may have failed), 401 (with a new token).
/// \details A change answered 1005, 500 or 503 is not resent: it ends client_errc::outcome_unknown.
/// A change answered 220025, 6005 or 7003 is resent (the server did not act on it).
FINOVY_DECL bool is_retryable_api_code(int code) noexcept;

}   // namespace finovy

/// \cond FINOVY_INTERNAL
template <>
struct boost::system::is_error_code_enum<finovy::api_errc> : std::true_type
{
};
template <>
struct boost::system::is_error_code_enum<finovy::client_errc> : std::true_type
{
};
/// \endcond

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/error.ipp>
#endif

#endif
