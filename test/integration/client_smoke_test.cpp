#define BOOST_TEST_MODULE client_smoke
#include <boost/test/unit_test.hpp>

#include "../common/sim_fixture.hpp"

using namespace finovy;
using namespace finovy::test;

BOOST_AUTO_TEST_CASE(list_images_and_power_cycle)
{
    sim_fixture f;
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, f.options());
        auto images = co_await c.async_list_images();
        BOOST_TEST(images.size() == 5u);
        auto pkgs = co_await c.async_list_packages(billing_kind::pay_as_you_go);
        BOOST_TEST(!pkgs.empty());
        auto id = co_await c.async_create_pay_as_you_go_host("Wy1KiMqtPO", "507");
        BOOST_TEST(!id.has_value());
        auto page = co_await c.async_list_hosts(1, 25);
        BOOST_TEST(page.total == 1);
        auto hid = page.items.at(0).id;
        co_await c.async_power_on(hid);
        auto h = co_await c.async_get_host(hid);
        BOOST_TEST(h.status == host_status::booting);
        try
        {
            co_await c.async_get_host("nope");
            BOOST_FAIL("no exception");
        }
        catch (const error_with_diagnostics& e)
        {
            BOOST_TEST((e.code() == api_errc::host_not_found));
            BOOST_TEST(e.get_diagnostics().api_code() == 1021);
            BOOST_TEST_MESSAGE(e.what());
        }
        auto st = c.stats();
        BOOST_TEST(st.connections_opened == 1u);
    });
}
