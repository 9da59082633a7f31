// Requests and responses of the API, as plain structs.
//
// Field names follow the documents' meaning rather than their spelling (memory_gb for
// "memory", billing for "useType"). Values the server may send as null are std::optional.
// Printing a model (operator<<) never shows a password: it is a finovy::secret.
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

using time_point = std::chrono::system_clock::time_point;

// An operating-system image (GET v1/pve/open/image).
struct image
{
    std::string id;               // imageId
    std::string type;             // must equal the package's type (else 7005)
    std::string system_name;      // "Ubuntu Server"
    std::string system_version;   // "20.04 x64"
};

// A host package, the template hosts are made from (GET v1/pve/open/packAge/{type}).
struct host_package
{
    std::string id;                        // packageId
    std::string name;
    int gpu_count = 0;                     // 0: no GPU
    std::optional<std::string> gpu_name;   // null: no GPU
    int memory_gb = 0;                     // memoryNumber
    int disk_gb = 0;                       // rigidDiskNumber
    int cpu_count = 0;                     // cpuNumber
    int bandwidth_mbps = 0;                // bandWidth (band_width in one table)
    double price_per_hour = 0;             // amount
    double discount = 1;                   // a multiplier: 0.8 is 20% off (the table's "50%" is a typo)
    std::string type;                      // must equal the image's type
    machine_use use = machine_use::office; // pveMachineType
    finovy::area area = area::south_china;
    package_billing billing = package_billing::both;   // useType

    double effective_price_per_hour() const noexcept { return price_per_hour * discount; }
    bool allows(billing_kind k) const noexcept
    {
        return billing == package_billing::both || static_cast<int>(billing) == static_cast<int>(k);
    }
};

// A rented host (GET v1/pve/open/one/{id}, and each entry of mypage).
struct host
{
    std::string id;
    std::string name;
    std::string gpu_configuration;         // "-" without GPU
    std::optional<int> gpu_count;
    int memory_gb = 0;
    int cpu_count = 0;
    int disk_gb = 0;                       // rigidDisk
    std::string operating_system;
    std::optional<std::string> account;    // hostAccount: login user
    std::optional<secret> password;        // hostPw: printed as ***
    billing_kind billing = billing_kind::pay_as_you_go;   // useType
    host_status status = host_status::off;
    std::optional<std::string> address;    // null, or "" before the host is reachable
    std::optional<int> port;               // null, or 0 before the host is reachable
    std::optional<std::string> mac;
    std::optional<std::string> ipv4;
    machine_use use = machine_use::office; // pveMachineType
    std::optional<finovy::area> area;      // only in the newer documents
    time_point created{};                  // createTime
    std::optional<time_point> expires;     // expirationTime: fixed-period hosts only
};

// A cloud disk (v1/PveMachineHardDisk/open/info/{id}, and each entry of getList).
struct disk
{
    std::string id;
    std::string owner;                     // uuid of the account
    std::string name;
    std::optional<std::string> host_id;    // pveId: the host it is, or was, mounted on
    bool ever_mounted = false;             // isMount
    std::string bus;                       // "scsi"
    finovy::area area = area::south_china;
    int size_gb = 0;                       // memory
    billing_kind billing = billing_kind::pay_as_you_go;
    double price_per_hour = 0;             // amount
    disk_status status = disk_status::waiting;
    time_point created{};
};

// One page of a listing. `number` starts at 1.
template <class T>
struct page
{
    std::vector<T> items;
    std::int64_t total = 0;   // totalCounts: items in the whole listing
    int number = 1;
    int size = 0;             // the page size asked for
};
using host_page = page<host>;
using disk_page = page<disk>;

// The answer of v1/auth/getToken.
struct token_info
{
    secret token;
    std::chrono::milliseconds lifetime{0};   // effectiveTime
};

// The period of a fixed-period host: `count` units.
struct rental_period
{
    period_unit unit = period_unit::day;
    int count = 1;
};

// POST v1/PveMachineHardDisk/open/create.
struct disk_create_request
{
    finovy::area area = area::south_china;
    int size_gb = 20;                        // at least 20; at most 1000 in total per area
    int count = 1;                           // buyNumber of the older document
    std::optional<std::string> mount_on;     // a pay-as-you-go host that is off and was started once
};

// POST v1/PveMachineHardDisk/open/getList. Unset filters match everything.
struct disk_list_request
{
    int page = 1;
    int page_size = 100;                     // at most 100
    std::optional<std::string> host_id;
    std::optional<finovy::area> area;
    std::optional<billing_kind> billing;
    std::optional<disk_status> status;
};

// An answer without the API envelope, from client::async_request.
struct raw_response
{
    unsigned status = 0;
    std::string body;
};

FINOVY_DECL std::ostream& operator<<(std::ostream& os, const image& v);
FINOVY_DECL std::ostream& operator<<(std::ostream& os, const host_package& v);
FINOVY_DECL std::ostream& operator<<(std::ostream& os, const host& v);   // no password
FINOVY_DECL std::ostream& operator<<(std::ostream& os, const disk& v);
FINOVY_DECL std::ostream& operator<<(std::ostream& os, const token_info& v);   // no token

}   // namespace finovy

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/models.ipp>
#endif

#endif
