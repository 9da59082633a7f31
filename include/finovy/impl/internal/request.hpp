// SPDX-License-Identifier: BSL-1.0
// What one call sends and how its answer's data is decoded, type-erased so that the transport
// is compiled once for every operation.
#ifndef FINOVY_IMPL_INTERNAL_REQUEST_HPP
#define FINOVY_IMPL_INTERNAL_REQUEST_HPP

#include <finovy/client_options.hpp>
#include <finovy/decode.hpp>
#include <finovy/call_context.hpp>
#include <finovy/diagnostics.hpp>
#include <finovy/impl/internal/connection.hpp>
#include <finovy/impl/internal/number.hpp>
#include <finovy/impl/internal/operation.hpp>
#include <finovy/models.hpp>

#include <boost/beast/http/verb.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace finovy::detail {

using decode_fn = error_code (*)(const boost::json::value& data, void* out, std::string& why);

struct request_spec
{
    operation_id op = operation_id::request;
    boost::beast::http::verb method = boost::beast::http::verb::get;
    std::string target;          // path and query, below the endpoint's base path
    std::string body;            // JSON; empty for none
    bool resend_safe = true;     // may be sent again after it possibly reached the server
    bool needs_token = true;
    bool raw = false;            // no envelope: `out` is a raw_response
    std::string invalid;         // set: fail with invalid_code and this message, sending nothing
    client_errc invalid_code = client_errc::invalid_argument;
    decode_fn decode = nullptr;  // null: any data is success
    void* out = nullptr;
};

// State of one call, shared by its coroutine and its completion.
struct op_state : operation_state
{
    request_spec spec;
    call_options call;          // call.tag views operation_state::tag (owned_options)
    std::chrono::steady_clock::time_point started{};
    // The last answer's, for the call's end (trace_id only while someone listens to events).
    int attempts = 0;           // attempts made
    unsigned last_http_status = 0;
    int last_api_code = 0;
    std::string last_trace_id;
    connection_ptr first;       // a connection taken when the call started (thread-safe clients)
    bool slot_taken = false;    // ... with a send slot of the rate governor
    std::uint64_t slot_epoch = 0;   // ... granted then (client_impl::slot_epoch)

    // Where the answer is decoded to, made when the first attempt starts: thousands of calls
    // may wait for a connection, and a result (a host, a page) is large.
    virtual void* result_storage() { return nullptr; }
};

template <class T>
struct typed_op : op_state
{
    std::unique_ptr<T> result;
    int page_number = 0, page_size = 0;   // what a page<...> result was asked for

    void* result_storage() override
    {
        if (!result)
        {
            result = std::make_unique<T>();
            if constexpr (requires(T& t) { t.number = 1; t.size = 1; })
            {
                result->number = page_number;
                result->size = page_size;
            }
        }
        return result.get();
    }

    T take(const error_code& ec) { return ec || !result ? T{} : std::move(*result); }
};

template <>
struct typed_op<void> : op_state
{
};

// Decoding of each result type from the envelope's data.
template <class T>
error_code decode_result(const boost::json::value& data, void* out, std::string& why)
{
    auto& v = *static_cast<T*>(out);
    v = T{};
    return decode(data, v, why);
}

// Operations answering `true` (power, delete, mount...): false is a refusal; null is tolerated.
inline error_code decode_ack(const boost::json::value& data, void*, std::string& why)
{
    if (data.is_bool() && !data.get_bool())
    {
        why = "data: false";
        return client_errc::operation_rejected;
    }
    return {};
}

// createquantity answers `true` in the documents, the new host's id in newer versions.
inline error_code decode_created(const boost::json::value& data, void* out, std::string& why)
{
    auto& v = *static_cast<std::optional<std::string>*>(out);
    v.reset();
    if (data.is_string() && !data.get_string().empty())
        v = std::string(data.get_string());
    else if (data.is_bool() && !data.get_bool())
        return (why = "data: false"), error_code(client_errc::operation_rejected);
    else if (!data.is_bool() && !data.is_null())
        return (why = "data: expected true or the new host's id"), error_code(client_errc::bad_response);
    return {};
}

// createRent and disk create answer the new id.
inline error_code decode_id(const boost::json::value& data, void* out, std::string& why)
{
    auto& v = *static_cast<std::string*>(out);
    if (data.is_string() && !data.get_string().empty())
        v = std::string(data.get_string());
    else if (auto text = integer_text(data))
        v = std::move(*text);
    else
        return (why = "data: expected the new id"), error_code(client_errc::bad_response);
    return {};
}

// memoryTotal answers {"memory": N}, N in GB; a bare number is tolerated, and so are null and ""
// (none). N is read as every integer of the API (number.hpp), and is not negative.
inline error_code decode_disk_usage(const boost::json::value& data, void* out, std::string& why)
{
    auto& v = *static_cast<std::int64_t*>(out);
    v = 0;
    const boost::json::value* m = &data;
    if (data.is_object())
        m = data.get_object().if_contains("memory");
    auto n = m ? read_integer_in(*m, 0, std::numeric_limits<std::int64_t>::max()) : number_read<std::int64_t>{};
    if (n.status == number_status::absent)
        return {};
    if (!n.ok())
        return (why = "data.memory: expected a number of GB, 0 or more"), error_code(client_errc::bad_response);
    v = n.value;
    return {};
}

// Ids travel in URL paths and JSON bodies: the API's are short alphanumeric strings.
inline bool valid_id(std::string_view id) noexcept
{
    if (id.empty() || id.size() > 64)
        return false;
    for (char c : id)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_'))
            return false;
    return true;
}

}   // namespace finovy::detail

#endif
