// SPDX-License-Identifier: BSL-1.0
/// \file
/// Requests and responses of the API, as plain structs.
///
/// Field names follow the documents' meaning rather than their spelling (memory_gb for
/// "memory", billing for "useType"). Values the server may send as null are std::optional.
/// Printing a model (operator<<) never shows a password: it is a finovy::secret. json.hpp
/// converts them to and from JSON.
#ifndef FINOVY_MODELS_HPP
#define FINOVY_MODELS_HPP

#include <finovy/config.hpp>
#include <finovy/enums.hpp>
#include <finovy/secret.hpp>

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace finovy {

/// A point in time of the API (milliseconds since 1970 on the wire).
using time_point = std::chrono::system_clock::time_point;

/// An operating-system image (`GET v1/pve/open/image`).
struct image
{
    std::string id;               ///< imageId
    std::string type;             ///< must equal the package's type (else 7005)
    std::string system_name;      ///< "Ubuntu Server"
    std::string system_version;   ///< "20.04 x64"
};

/// A host package, the template hosts are made from (`GET v1/pve/open/packAge/{type}`).
struct host_package
{
    std::string id;                        ///< packageId
    std::string name;                      ///< the package's name
    int gpu_count = 0;                     ///< 0: no GPU
    std::optional<std::string> gpu_name;   ///< null: no GPU
    int memory_gb = 0;                     ///< memoryNumber
    int disk_gb = 0;                       ///< rigidDiskNumber
    int cpu_count = 0;                     ///< cpuNumber
    int bandwidth_mbps = 0;                ///< bandWidth (band_width in one table)
    double price_per_hour = 0;             ///< amount
    double discount = 1;                   ///< a multiplier: 0.8 is 20% off (the table's "50%" is a typo)
    std::string type;                      ///< must equal the image's type
    machine_use use = machine_use::office; ///< pveMachineType
    finovy::area area = area::south_china; ///< where its hosts run
    package_billing billing = package_billing::both;   ///< useType

    /// price_per_hour with the discount applied.
    double effective_price_per_hour() const noexcept { return price_per_hour * discount; }
    /// True when hosts of this package may be paid for with `k`.
    bool allows(billing_kind k) const noexcept
    {
        return billing == package_billing::both || static_cast<int>(billing) == static_cast<int>(k);
    }
};

/// A rented host (`GET v1/pve/open/one/{id}`, and each entry of mypage).
struct host
{
    std::string id;                        ///< the host's id
    std::string name;                      ///< its name, given by the server
    std::string gpu_configuration;         ///< "-" without GPU
    std::optional<int> gpu_count;          ///< GPUs, when the server says
    int memory_gb = 0;                     ///< GB of memory
    int cpu_count = 0;                     ///< CPU cores
    int disk_gb = 0;                       ///< rigidDisk
    std::string operating_system;          ///< the image's system name
    std::optional<std::string> account;    ///< hostAccount: login user
    std::optional<secret> password;        ///< hostPw: printed as ***
    billing_kind billing = billing_kind::pay_as_you_go;   ///< useType
    host_status status = host_status::off; ///< see host_status
    std::optional<std::string> address;    ///< the address to connect to; null, or "" before the host is reachable
    std::optional<int> port;               ///< the port to connect to; null, or 0 before the host is reachable
    std::optional<std::string> mac;        ///< its MAC address
    std::optional<std::string> ipv4;       ///< "ip地址", often "address:port"; may be empty
    machine_use use = machine_use::office; ///< pveMachineType
    std::optional<finovy::area> area;      ///< only in the newer documents
    time_point created{};                  ///< createTime
    std::optional<time_point> expires;     ///< expirationTime: fixed-period hosts only
};

/// A cloud disk (`GET v1/PveMachineHardDisk/open/info/{id}`, and each entry of getList).
struct disk
{
    std::string id;                        ///< the disk's id
    std::string owner;                     ///< uuid of the account
    std::string name;                      ///< its name
    std::optional<std::string> host_id;    ///< pveId: the host it is, or was, mounted on
    bool ever_mounted = false;             ///< isMount
    std::string bus;                       ///< "scsi"
    finovy::area area = area::south_china; ///< where it is
    int size_gb = 0;                       ///< memory
    billing_kind billing = billing_kind::pay_as_you_go;   ///< how it is paid for
    double price_per_hour = 0;             ///< amount
    disk_status status = disk_status::waiting;   ///< see disk_status
    time_point created{};                  ///< createTime
};

/// One page of a listing. `number` starts at 1.
template <class T>
struct page
{
    std::vector<T> items;     ///< the page's entries
    std::int64_t total = 0;   ///< totalCounts: items in the whole listing
    int number = 1;           ///< the page's number, from 1
    int size = 0;             ///< the page size asked for
};
using host_page = page<host>;   ///< a page of client::async_list_hosts()
using disk_page = page<disk>;   ///< a page of client::async_list_disks()

/// The answer of `POST v1/auth/getToken`.
struct token_info
{
    secret token;                            ///< the access token (printed as ***)
    std::chrono::milliseconds lifetime{0};   ///< effectiveTime
};

/// The period of a fixed-period host: `count` units.
struct rental_period
{
    period_unit unit = period_unit::day;   ///< the unit
    int count = 1;                         ///< how many units, at least 1
};

/// What to create: `POST v1/PveMachineHardDisk/open/create`.
struct disk_create_request
{
    finovy::area area = area::south_china;   ///< where
    int size_gb = 20;                        ///< at least 20; at most 1000 in total per area
    int count = 1;                           ///< buyNumber of the older document
    std::optional<std::string> mount_on;     ///< a pay-as-you-go host that is off and was started once
};

/// Which disks to list: `POST v1/PveMachineHardDisk/open/getList`. Unset filters match everything.
struct disk_list_request
{
    int page = 1;                            ///< from 1
    int page_size = 100;                     ///< at most 100
    std::optional<std::string> host_id;      ///< disks of this host
    std::optional<finovy::area> area;        ///< disks in this area
    std::optional<billing_kind> billing;     ///< disks paid for this way
    std::optional<disk_status> status;       ///< disks in this status
};

/// An answer as it came, from client::async_request().
struct raw_response
{
    unsigned status = 0;   ///< the HTTP status
    std::string body;      ///< the body, as it came
};

/// \brief Prints a model on one line, for logs; never a password nor a token.
///@{
FINOVY_DECL std::ostream& operator<<(std::ostream& os, const image& v);
FINOVY_DECL std::ostream& operator<<(std::ostream& os, const host_package& v);
FINOVY_DECL std::ostream& operator<<(std::ostream& os, const host& v);   // no password
FINOVY_DECL std::ostream& operator<<(std::ostream& os, const disk& v);
FINOVY_DECL std::ostream& operator<<(std::ostream& os, const token_info& v);   // no token
///@}

}   // namespace finovy

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/models.ipp>
#endif

#endif
