// SPDX-License-Identifier: BSL-1.0
/// \file
/// The API's enumerations. The server sends them as strings of digits ("2") or numbers (2).
/// A value the documents do not list is kept as it came (`host_status{7}` prints "unknown(7)"),
/// never turned into an error: a newer server may add states.
#ifndef FINOVY_ENUMS_HPP
#define FINOVY_ENUMS_HPP

#include <finovy/config.hpp>

#include <iosfwd>
#include <string_view>
#include <vector>

namespace finovy {

/// A host's status (its `status`).
enum class host_status : int
{
    off = 0,             ///< 已关机, off
    booting = 1,         ///< 开机中, booting (also while rebooting)
    running = 2,         ///< 已开机, running
    billing = 3,         ///< 扣费中, billing: running while the wallet is below zero (waits count it as running)
    shutting_down = 4,   ///< 关机中, shutting down
    expired = 5,         ///< 已过期, expired: a fixed-period host past its period (terminal)
};

/// True when `seen` satisfies a wait for `target` (3, billing, counts as 2, running).
inline bool status_reached(host_status seen, host_status target) noexcept
{
    return seen == target || (target == host_status::running && seen == host_status::billing);
}

/// True when a host at `seen` can no longer reach `target`: 5 (expired), or one of `fail_on`.
inline bool status_hopeless(host_status seen, host_status target, const std::vector<host_status>& fail_on) noexcept
{
    if (status_reached(seen, target))
        return false;
    if (seen == host_status::expired)
        return true;
    for (auto s : fail_on)
        if (s == seen)
            return true;
    return false;
}

/// How a host is paid for (a host's useType; the {type} of the package list).
enum class billing_kind : int
{
    pay_as_you_go = 0,   ///< 按量: billed per hour of running
    fixed_period = 1,    ///< 包时段: paid up front for a period
};

/// How hosts of a package may be paid for (a package's useType).
enum class package_billing : int
{
    pay_as_you_go_only = 0,   ///< pay-as-you-go hosts only
    fixed_period_only = 1,    ///< fixed-period hosts only
    both = 2,                 ///< either
};

/// A region.
enum class area : int
{
    south_china = 0,     ///< 华南, South China
    west_china = 1,      ///< 华西, West China
    international = 2,   ///< 国际, international
};

/// What a package's machines are for (pveMachineType).
enum class machine_use : int
{
    office = 0,          ///< 普通办公, office work
    graphics = 1,        ///< 图像处理, graphics
    compute = 2,         ///< 算法区域, computation
};

/// The unit of a fixed-period host's rental_period.
enum class period_unit : int
{
    hour = 0,      ///< listed by the older document only
    day = 1,       ///< a day
    week = 2,      ///< a week
    month = 3,     ///< a month
    quarter = 4,   ///< three months
    year = 5,      ///< a year
};

/// A cloud disk's status.
enum class disk_status : int
{
    waiting = 0,      ///< 待挂载: waiting to be mounted
    mounting = 1,     ///< 挂载中, being mounted
    in_use = 2,       ///< 使用中, in use (mounted)
    suspended = 3,    ///< 欠费停服: suspended for arrears (unmounted)
    destroying = 4,   ///< 销毁退还中, being destroyed (then gone)
};

/// \brief Lower-case English names ("running", "pay_as_you_go"); "unknown" for unlisted values.
///@{
FINOVY_DECL std::string_view to_string(host_status v) noexcept;
FINOVY_DECL std::string_view to_string(billing_kind v) noexcept;
FINOVY_DECL std::string_view to_string(package_billing v) noexcept;
FINOVY_DECL std::string_view to_string(area v) noexcept;
FINOVY_DECL std::string_view to_string(machine_use v) noexcept;
FINOVY_DECL std::string_view to_string(period_unit v) noexcept;
FINOVY_DECL std::string_view to_string(disk_status v) noexcept;
///@}

/// \brief Prints the name (to_string()), or "unknown(N)" for an unlisted value.
///@{
FINOVY_DECL std::ostream& operator<<(std::ostream& os, host_status v);
FINOVY_DECL std::ostream& operator<<(std::ostream& os, billing_kind v);
FINOVY_DECL std::ostream& operator<<(std::ostream& os, package_billing v);
FINOVY_DECL std::ostream& operator<<(std::ostream& os, area v);
FINOVY_DECL std::ostream& operator<<(std::ostream& os, machine_use v);
FINOVY_DECL std::ostream& operator<<(std::ostream& os, period_unit v);
FINOVY_DECL std::ostream& operator<<(std::ostream& os, disk_status v);
///@}

}   // namespace finovy

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/enums.ipp>
#endif

#endif
