// SPDX-License-Identifier: BSL-1.0
/// \file
/// Decoding of the API's answers with Boost.JSON, tolerant of the documents' contradictions:
/// numbers sent as strings and strings as numbers, enumerations as strings of digits, null for
/// any optional field, "bandWidth" or "band_width", "data" pages with or without their wrapper.
/// The client uses these; they are public for tests, tools and benchmarks.
#ifndef FINOVY_DECODE_HPP
#define FINOVY_DECODE_HPP

#include <finovy/config.hpp>
#include <finovy/error.hpp>
#include <finovy/models.hpp>

#include <boost/json/fwd.hpp>

#include <string>
#include <vector>

namespace finovy {

/// \brief The envelope every answer comes in: `{"code": 0, "data": ..., "msg": "success", "traceId": "..."}`.
/// \details "success" is sometimes there, sometimes not: it is ignored.
struct envelope
{
    int code = 0;                               ///< 0: success; else an API error (api_errc)
    std::string msg;                            ///< the server's message
    std::string trace_id;                       ///< traceId
    const boost::json::value* data = nullptr;   ///< points into the parsed document; null when absent
};

/// \brief Reads the envelope of an answer's body.
/// \details This and the decode() functions return client_errc::bad_response on failure, and `why`
/// names the field and the problem ("data.status: expected a number or a string of digits").
/// Unknown fields are ignored. Numbers are range-checked rather than trusted: an integer must fit
/// its field; a time (createTime, expirationTime) is milliseconds from 1970 to 2200; a token's
/// effectiveTime is 1 ms to 366 days (30 minutes when absent); totalCounts is 0 to 10,000,000; a
/// decimal is finite. Thread safety: reentrant.
FINOVY_DECL error_code read_envelope(const boost::json::value& body, envelope& out, std::string& why);
/// \brief Decodes an envelope's data into a model (see read_envelope() for the rules).
///@{
FINOVY_DECL error_code decode(const boost::json::value& data, image& out, std::string& why);
FINOVY_DECL error_code decode(const boost::json::value& data, std::vector<image>& out, std::string& why);
FINOVY_DECL error_code decode(const boost::json::value& data, host_package& out, std::string& why);
FINOVY_DECL error_code decode(const boost::json::value& data, std::vector<host_package>& out, std::string& why);
FINOVY_DECL error_code decode(const boost::json::value& data, host& out, std::string& why);
FINOVY_DECL error_code decode(const boost::json::value& data, host_page& out, std::string& why);
FINOVY_DECL error_code decode(const boost::json::value& data, disk& out, std::string& why);
FINOVY_DECL error_code decode(const boost::json::value& data, disk_page& out, std::string& why);
FINOVY_DECL error_code decode(const boost::json::value& data, token_info& out, std::string& why);
///@}

}   // namespace finovy

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/decode.ipp>
#endif

#endif
