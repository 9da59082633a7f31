// SPDX-License-Identifier: BSL-1.0
// The main() of the guides' code (docs/CMakeLists.txt): runs the tests of the testing guide.
#define BOOST_TEST_MODULE finovy_docs_snippets
#include <boost/test/unit_test.hpp>
