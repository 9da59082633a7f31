// The API's enumerations. The server sends them as strings of digits ("2") or numbers (2).
// A value the documents do not list is kept as it came (host_status{7} prints "unknown(7)"),
// never turned into an error: a newer server may add states.
#ifndef FINOVY_ENUMS_HPP
#define FINOVY_ENUMS_HPP

#include <finovy/config.hpp>

#include <iosfwd>
#include <string_view>

namespace finovy {

enum class host_status : int
{
    off = 0,             // 已关机
    booting = 1,         // 开机中 (also while rebooting)
    running = 2,         // 已开机
    billing = 3,         // 扣费中
    shutting_down = 4,   // 关机中
    expired = 5,         // 已过期 (fixed-period host past its period; terminal)
};

// How a host is paid for (a host's useType; the {type} of the package list).
enum class billing_kind : int
{
    pay_as_you_go = 0,   // 按量: billed per hour of running
    fixed_period = 1,    // 包时段: paid up front for a period
};

// What a package may be used for (a package's useType).
enum class package_billing : int
{
    pay_as_you_go_only = 0,
    fixed_period_only = 1,
    both = 2,
};

enum class area : int
{
    south_china = 0,     // 华南
    west_china = 1,      // 华西
    international = 2,   // 国际
};

enum class machine_use : int
{
    office = 0,          // 普通办公
    graphics = 1,        // 图像处理
    compute = 2,         // 算法区域
};

enum class period_unit : int
{
    hour = 0,   // listed by the older document only
    day = 1,
    week = 2,
    month = 3,
    quarter = 4,
    year = 5,
};

enum class disk_status : int
{
    waiting = 0,      // 待挂载: waiting to be mounted
    mounting = 1,     // 挂载中
    in_use = 2,       // 使用中
    suspended = 3,    // 欠费停服: suspended for arrears (unmounted)
    destroying = 4,   // 销毁退还中
};

// Lower-case English names ("running", "pay_as_you_go"); "unknown" for unlisted values.
FINOVY_DECL std::string_view to_string(host_status v) noexcept;
FINOVY_DECL std::string_view to_string(billing_kind v) noexcept;
FINOVY_DECL std::string_view to_string(package_billing v) noexcept;
FINOVY_DECL std::string_view to_string(area v) noexcept;
FINOVY_DECL std::string_view to_string(machine_use v) noexcept;
FINOVY_DECL std::string_view to_string(period_unit v) noexcept;
FINOVY_DECL std::string_view to_string(disk_status v) noexcept;

// The names, or "unknown(N)".
FINOVY_DECL std::ostream& operator<<(std::ostream& os, host_status v);
FINOVY_DECL std::ostream& operator<<(std::ostream& os, billing_kind v);
FINOVY_DECL std::ostream& operator<<(std::ostream& os, package_billing v);
FINOVY_DECL std::ostream& operator<<(std::ostream& os, area v);
FINOVY_DECL std::ostream& operator<<(std::ostream& os, machine_use v);
FINOVY_DECL std::ostream& operator<<(std::ostream& os, period_unit v);
FINOVY_DECL std::ostream& operator<<(std::ostream& os, disk_status v);

}   // namespace finovy

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/enums.ipp>
#endif

#endif
