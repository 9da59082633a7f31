// SPDX-License-Identifier: BSL-1.0
#ifndef FINOVY_IMPL_ENUMS_IPP
#define FINOVY_IMPL_ENUMS_IPP

#include <finovy/enums.hpp>

#include <ostream>

namespace finovy {

namespace detail {
template <class E>
std::ostream& print_enum(std::ostream& os, E v)
{
    auto s = to_string(v);
    if (s == "unknown")
        return os << "unknown(" << static_cast<int>(v) << ')';
    return os << s;
}
}   // namespace detail

FINOVY_DECL std::string_view to_string(host_status v) noexcept
{
    switch (v)
    {
    case host_status::off: return "off";
    case host_status::booting: return "booting";
    case host_status::running: return "running";
    case host_status::billing: return "billing";
    case host_status::shutting_down: return "shutting_down";
    case host_status::expired: return "expired";
    }
    return "unknown";
}

FINOVY_DECL std::string_view to_string(billing_kind v) noexcept
{
    switch (v)
    {
    case billing_kind::pay_as_you_go: return "pay_as_you_go";
    case billing_kind::fixed_period: return "fixed_period";
    }
    return "unknown";
}

FINOVY_DECL std::string_view to_string(package_billing v) noexcept
{
    switch (v)
    {
    case package_billing::pay_as_you_go_only: return "pay_as_you_go_only";
    case package_billing::fixed_period_only: return "fixed_period_only";
    case package_billing::both: return "both";
    }
    return "unknown";
}

FINOVY_DECL std::string_view to_string(area v) noexcept
{
    switch (v)
    {
    case area::south_china: return "south_china";
    case area::west_china: return "west_china";
    case area::international: return "international";
    }
    return "unknown";
}

FINOVY_DECL std::string_view to_string(machine_use v) noexcept
{
    switch (v)
    {
    case machine_use::office: return "office";
    case machine_use::graphics: return "graphics";
    case machine_use::compute: return "compute";
    }
    return "unknown";
}

FINOVY_DECL std::string_view to_string(period_unit v) noexcept
{
    switch (v)
    {
    case period_unit::hour: return "hour";
    case period_unit::day: return "day";
    case period_unit::week: return "week";
    case period_unit::month: return "month";
    case period_unit::quarter: return "quarter";
    case period_unit::year: return "year";
    }
    return "unknown";
}

FINOVY_DECL std::string_view to_string(disk_status v) noexcept
{
    switch (v)
    {
    case disk_status::waiting: return "waiting";
    case disk_status::mounting: return "mounting";
    case disk_status::in_use: return "in_use";
    case disk_status::suspended: return "suspended";
    case disk_status::destroying: return "destroying";
    }
    return "unknown";
}

FINOVY_DECL std::ostream& operator<<(std::ostream& os, host_status v) { return detail::print_enum(os, v); }
FINOVY_DECL std::ostream& operator<<(std::ostream& os, billing_kind v) { return detail::print_enum(os, v); }
FINOVY_DECL std::ostream& operator<<(std::ostream& os, package_billing v) { return detail::print_enum(os, v); }
FINOVY_DECL std::ostream& operator<<(std::ostream& os, area v) { return detail::print_enum(os, v); }
FINOVY_DECL std::ostream& operator<<(std::ostream& os, machine_use v) { return detail::print_enum(os, v); }
FINOVY_DECL std::ostream& operator<<(std::ostream& os, period_unit v) { return detail::print_enum(os, v); }
FINOVY_DECL std::ostream& operator<<(std::ostream& os, disk_status v) { return detail::print_enum(os, v); }

}   // namespace finovy

#endif
