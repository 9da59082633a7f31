// SPDX-License-Identifier: BSL-1.0
// Plain callbacks, no coroutine: each operation takes a function called with
// (error_code, result) once it completes; the next step starts from inside it.
#include "common/example.hpp"

#include <boost/asio/io_context.hpp>

// Lists the catalog, then the disks' usage in the first package's area, one step after another.
class catalog_tour
{
public:
    explicit catalog_tour(finovy::client& api) : api_(api) {}

    void start()
    {
        api_.async_list_images(diag_, [this](finovy::error_code ec, std::vector<finovy::image> images) {
            if (failed(ec, "images"))
                return;
            std::cout << images.size() << " images\n";
            list_packages();
        });
    }

    int exit_code() const { return exit_code_; }

private:
    void list_packages()
    {
        auto on_packages = [this](finovy::error_code ec, std::vector<finovy::host_package> packages) {
            if (failed(ec, "packages"))
                return;
            for (const auto& p : packages)
                std::cout << p << '\n';
            disk_usage(packages.front().area);
        };
        api_.async_list_packages(finovy::billing_kind::pay_as_you_go, diag_, on_packages);
    }

    void disk_usage(finovy::area a)
    {
        api_.async_get_disk_usage(a, diag_, [this, a](finovy::error_code ec, std::int64_t gb) {
            if (failed(ec, "disk usage"))
                return;
            std::cout << "disks in " << finovy::to_string(a) << ": " << gb << " GB\n";
        });
    }

    bool failed(finovy::error_code ec, const char* what)
    {
        if (ec)
        {
            std::cerr << what << ": " << diag_.describe(ec) << '\n';
            exit_code_ = 1;
        }
        return bool(ec);
    }

    finovy::client& api_;
    finovy::diagnostics diag_;   // filled when a call fails; it must outlive the calls
    int exit_code_ = 0;
};

int main(int argc, char** argv)
{
    asio::io_context ioc;
    finovy::client api(ioc, example::load_options(argc, argv));
    catalog_tour tour(api);
    tour.start();   // returns at once: nothing happens until the io_context runs
    ioc.run();      // runs the callbacks; returns when no work is left
    return tour.exit_code();
}
