// SPDX-License-Identifier: BSL-1.0
// Error codes, diagnostics, secrets and printers.
#include <finovy/diagnostics.hpp>
#include <finovy/enums.hpp>
#include <finovy/error.hpp>
#include <finovy/models.hpp>

#include <boost/test/unit_test.hpp>

#include <sstream>

using namespace finovy;

namespace {
template <class T>
std::string print(const T& v)
{
    std::ostringstream os;
    os << v;
    return os.str();
}
}   // namespace

BOOST_AUTO_TEST_SUITE(errors)

BOOST_AUTO_TEST_CASE(every_documented_code_has_both_meanings)
{
    for (int code : {401, 500, 503, 1001, 1003, 1005, 1007, 1021, 1037, 6000, 6001, 6002, 6003, 6005, 7002, 7003,
                     7004, 7005, 9000, 9001, 220001, 220002, 220004, 220006, 220007, 220009, 220010, 220012, 220013,
                     220014, 220015, 220016, 220017, 220018, 220020, 220022, 220024, 220025})
    {
        BOOST_TEST(!api_code_meaning(code).empty(), code);
        BOOST_TEST(!api_code_meaning_zh(code).empty(), code);
        error_code ec(code, api_category());
        BOOST_TEST(ec.message().find(std::string(api_code_meaning_zh(code))) != std::string::npos, code);
    }
    BOOST_TEST((make_error_code(api_errc::insufficient_balance) == error_code(9001, api_category())));
    BOOST_TEST(error_code(api_errc::insufficient_balance).message() == "insufficient wallet balance (钱包余额不足)");
    BOOST_TEST(error_code(123456, api_category()).message() == "API error 123456");
    BOOST_TEST(std::string(api_category().name()) == "finovy.api");
}

BOOST_AUTO_TEST_CASE(client_codes)
{
    BOOST_TEST(std::string(client_category().name()) == "finovy.client");
    for (int c = 1; c <= static_cast<int>(client_errc::host_not_resolved); ++c)
        BOOST_TEST(error_code(c, client_category()).message().find("finovy client error") == std::string::npos, c);
    BOOST_TEST(error_code(client_errc::outcome_unknown).message().find("not resent") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(retryable_codes)
{
    for (int c : {401, 500, 503, 1005, 6005, 7003, 220025})
        BOOST_TEST(is_retryable_api_code(c), c);
    for (int c : {0, 1001, 1021, 6002, 9001, 7005})
        BOOST_TEST(!is_retryable_api_code(c), c);
}

BOOST_AUTO_TEST_CASE(diagnostics_describe_and_exception)
{
    diagnostics d;
    detail::diagnostics_access::set_api(d, 9001, "钱包余额不足", "abc123");
    detail::diagnostics_access::set_http_status(d, 200);
    detail::diagnostics_access::set_attempts(d, 2);
    detail::diagnostics_access::set_client_message(d, "after 2 attempts");
    error_code ec = api_errc::insufficient_balance;
    auto text = d.describe(ec);
    BOOST_TEST(text.find("insufficient wallet balance") != std::string::npos, text);
    BOOST_TEST(text.find("9001") != std::string::npos, text);
    BOOST_TEST(text.find("traceId abc123") != std::string::npos, text);
    BOOST_TEST(text.find("HTTP 200") != std::string::npos, text);
    BOOST_TEST(text.find("2 attempts") != std::string::npos, text);

    error_with_diagnostics e(ec, d);
    BOOST_TEST(std::string(e.what()) == text);
    BOOST_TEST((e.code() == api_errc::insufficient_balance));
    BOOST_TEST(e.get_diagnostics().trace_id() == "abc123");
    d.clear();
    BOOST_TEST(d.api_code() == 0);
    BOOST_TEST(d.describe(client_errc::timeout) == "timed out");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(printers)

BOOST_AUTO_TEST_CASE(secrets_never_print)
{
    secret s("hunter2-token");
    BOOST_TEST(print(s) == "***");
    BOOST_TEST(print(secret{}) == "(none)");
    BOOST_TEST(s.reveal() == "hunter2-token");

    host h;
    h.id = "abc";
    h.password = secret("S3cretPw");
    h.account = "root";
    auto text = print(h);
    BOOST_TEST(text.find("S3cretPw") == std::string::npos, text);
    BOOST_TEST(text.find("password=***") != std::string::npos, text);

    token_info t{secret("4vL4rcNGNcgx5v0RLCcFew"), std::chrono::milliseconds(1800000)};
    BOOST_TEST(print(t).find("4vL4") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(enum_names)
{
    BOOST_TEST(print(host_status::running) == "running");
    BOOST_TEST(print(host_status{9}) == "unknown(9)");
    BOOST_TEST(print(billing_kind::fixed_period) == "fixed_period");
    BOOST_TEST(print(area::international) == "international");
    BOOST_TEST(print(disk_status::destroying) == "destroying");
    BOOST_TEST(print(period_unit::quarter) == "quarter");
    BOOST_TEST(print(machine_use::compute) == "compute");
    BOOST_TEST(print(package_billing::both) == "both");
    BOOST_TEST(to_string(host_status::shutting_down) == "shutting_down");
}

BOOST_AUTO_TEST_CASE(models_print_their_fields)
{
    image i{"4005", "BL", "Ubuntu Server", "20.04 x64"};
    BOOST_TEST(print(i) == "image{id=4005, type=BL, system=Ubuntu Server 20.04 x64}");
    disk d;
    d.id = "d1";
    d.size_gb = 20;
    BOOST_TEST(print(d).find("size_gb=20") != std::string::npos);
    host_package p;
    p.id = "p1";
    p.gpu_name = "A100";
    p.gpu_count = 4;
    BOOST_TEST(print(p).find("gpus=4 x A100") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
