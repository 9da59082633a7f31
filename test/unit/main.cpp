// SPDX-License-Identifier: BSL-1.0
#define BOOST_TEST_MODULE finovy_unit
#include <boost/test/unit_test.hpp>
