// SPDX-License-Identifier: BSL-1.0
#ifndef FINOVY_IMPL_DIAGNOSTICS_IPP
#define FINOVY_IMPL_DIAGNOSTICS_IPP

#include <finovy/diagnostics.hpp>

namespace finovy {

FINOVY_DECL std::string diagnostics::describe(const error_code& ec) const
{
    std::string s = ec.message();
    if (!client_msg_.empty())
        s += ": " + client_msg_;
    std::string extra;
    auto add = [&](const std::string& part) { extra += (extra.empty() ? "" : ", ") + part; };
    if (api_code_ != 0)
        add("API code " + std::to_string(api_code_) + (api_msg_.empty() ? "" : " \"" + api_msg_ + "\""));
    if (http_status_ != 0)
        add("HTTP " + std::to_string(http_status_));
    if (!trace_id_.empty())
        add("traceId " + trace_id_);
    if (attempts_ > 1)
        add(std::to_string(attempts_) + " attempts");
    if (!extra.empty())
        s += " [" + extra + "]";
    return s;
}

FINOVY_DECL error_with_diagnostics::error_with_diagnostics(const error_code& ec, diagnostics diag)
    : boost::system::system_error(ec), diag_(std::move(diag)), what_(diag_.describe(ec))
{
}

}   // namespace finovy

#endif
