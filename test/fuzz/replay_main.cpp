// SPDX-License-Identifier: BSL-1.0
// Replays fuzz corpora without libFuzzer (CI builds them with g++): feeds every file of the
// directories (or files) named on the command line to LLVMFuzzerTestOneInput, in name order.
// A finding aborts, as under the fuzzer; an empty or missing corpus is a failure.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv)
{
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
    for (int i = 1; i < argc; ++i)
    {
        std::error_code ec;
        if (fs::is_directory(argv[i], ec))
        {
            for (const auto& e : fs::directory_iterator(argv[i]))
                if (e.is_regular_file())
                    files.push_back(e.path());
        }
        else if (fs::is_regular_file(argv[i], ec))
            files.emplace_back(argv[i]);
        else
        {
            std::fprintf(stderr, "replay: %s: no such file or directory\n", argv[i]);
            return 1;
        }
    }
    if (files.empty())
    {
        std::fprintf(stderr, "replay: no input (usage: %s CORPUS_DIR_OR_FILE...)\n", argv[0]);
        return 1;
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files)
    {
        std::ifstream in(f, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (!in.good() && !in.eof())
        {
            std::fprintf(stderr, "replay: cannot read %s\n", f.c_str());
            return 1;
        }
        std::fprintf(stderr, "replay: %s\n", f.c_str());   // names the input of a finding
        // A copy of exactly `size` bytes: ASan sees a read past the input as under the fuzzer.
        std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
        LLVMFuzzerTestOneInput(data.data(), data.size());
    }
    std::printf("replay: %zu inputs, no finding\n", files.size());
    return 0;
}
