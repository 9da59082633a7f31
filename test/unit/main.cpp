#define BOOST_TEST_MODULE finovy_unit
#include <boost/test/unit_test.hpp>
