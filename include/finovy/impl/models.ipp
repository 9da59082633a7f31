// SPDX-License-Identifier: BSL-1.0
#ifndef FINOVY_IMPL_MODELS_IPP
#define FINOVY_IMPL_MODELS_IPP

#include <finovy/models.hpp>

#include <ostream>

namespace finovy {

namespace detail {
template <class T>
void print_opt(std::ostream& os, const std::optional<T>& v)
{
    if (v)
        os << *v;
    else
        os << "null";
}

inline long long to_ms(time_point t)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
}   // namespace detail

FINOVY_DECL std::ostream& operator<<(std::ostream& os, const image& v)
{
    return os << "image{id=" << v.id << ", type=" << v.type << ", system=" << v.system_name << ' '
              << v.system_version << '}';
}

FINOVY_DECL std::ostream& operator<<(std::ostream& os, const host_package& v)
{
    os << "package{id=" << v.id << ", name=" << v.name << ", gpus=" << v.gpu_count;
    if (v.gpu_name)
        os << " x " << *v.gpu_name;
    return os << ", cpus=" << v.cpu_count << ", memory_gb=" << v.memory_gb << ", disk_gb=" << v.disk_gb
              << ", bandwidth=" << v.bandwidth_mbps << ", price_per_hour=" << v.price_per_hour
              << ", discount=" << v.discount << ", type=" << v.type << ", use=" << v.use << ", area=" << v.area
              << ", billing=" << v.billing << '}';
}

FINOVY_DECL std::ostream& operator<<(std::ostream& os, const host& v)
{
    os << "host{id=" << v.id << ", name=" << v.name << ", status=" << v.status << ", billing=" << v.billing
       << ", gpu=" << v.gpu_configuration << ", cpus=" << v.cpu_count << ", memory_gb=" << v.memory_gb
       << ", disk_gb=" << v.disk_gb << ", os=" << v.operating_system << ", account=";
    detail::print_opt(os, v.account);
    os << ", password=";
    detail::print_opt(os, v.password);   // a secret: ***
    os << ", address=";
    detail::print_opt(os, v.address);
    os << ", port=";
    detail::print_opt(os, v.port);
    os << ", area=";
    detail::print_opt(os, v.area);
    os << ", created_ms=" << detail::to_ms(v.created);
    if (v.expires)
        os << ", expires_ms=" << detail::to_ms(*v.expires);
    return os << '}';
}

FINOVY_DECL std::ostream& operator<<(std::ostream& os, const disk& v)
{
    os << "disk{id=" << v.id << ", size_gb=" << v.size_gb << ", status=" << v.status << ", area=" << v.area
       << ", host=";
    detail::print_opt(os, v.host_id);
    return os << ", price_per_hour=" << v.price_per_hour << '}';
}

FINOVY_DECL std::ostream& operator<<(std::ostream& os, const token_info& v)
{
    return os << "token{token=" << v.token << ", lifetime_ms=" << v.lifetime.count() << '}';
}

}   // namespace finovy

#endif
