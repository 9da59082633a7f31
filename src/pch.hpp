// SPDX-License-Identifier: BSL-1.0
// Precompiled for the compiled library, the tests and the tools: Asio, Beast, SSL and JSON.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
