// SPDX-License-Identifier: BSL-1.0
// Micro-benchmarks of decoding (Google Benchmark): one host, a page of 25 hosts, the package
// list; each parses the answer's text with Boost.JSON and decodes it, as the client does.
#include <finovy/decode.hpp>

#include <benchmark/benchmark.h>
#include <boost/json.hpp>

#include <fstream>
#include <sstream>

namespace {

std::string load(const std::string& name)
{
    std::ifstream in(std::string(FINOVY_BENCH_DATA_DIR) + "/" + name + ".json");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The upstream page example's first host, 25 times with distinct ids.
std::string page_of_25()
{
    auto doc = boost::json::parse(load("host_mypage"));
    auto host = doc.at("data").at("data").at(0);
    boost::json::array items;
    for (int i = 0; i < 25; ++i)
    {
        auto h = host;
        h.as_object()["id"] = "Host" + std::to_string(100000 + i);
        items.push_back(h);
    }
    doc.at("data").as_object()["data"] = std::move(items);
    doc.at("data").as_object()["totalCounts"] = 25;
    return boost::json::serialize(doc);
}

template <class T>
void decode_answer(benchmark::State& state, const std::string& text)
{
    unsigned char scratch[8192];
    boost::json::parser p;
    for (auto _ : state)
    {
        boost::json::monotonic_resource mr(scratch, sizeof scratch);
        p.reset(&mr);
        boost::system::error_code ec;
        p.write(text.data(), text.size(), ec);
        auto doc = p.release();
        finovy::envelope env;
        std::string why;
        T out;
        if (finovy::read_envelope(doc, env, why) || finovy::decode(*env.data, out, why))
            state.SkipWithError("decode failed");
        benchmark::DoNotOptimize(out);
        p.reset();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

void one_host(benchmark::State& s) { decode_answer<finovy::host>(s, load("host_one")); }
void page_of_25_hosts(benchmark::State& s) { decode_answer<finovy::host_page>(s, page_of_25()); }
void package_list(benchmark::State& s) { decode_answer<std::vector<finovy::host_package>>(s, load("host_package")); }

}   // namespace

BENCHMARK(one_host);
BENCHMARK(page_of_25_hosts);
BENCHMARK(package_list);
BENCHMARK_MAIN();
