// finovy-cpp: the C++20 coroutine SDK for the Finovy (渲大师) cloud host-rental open API.
#ifndef FINOVY_HPP
#define FINOVY_HPP

#include <finovy/call_context.hpp>
#include <finovy/client.hpp>
#include <finovy/client_options.hpp>
#include <finovy/configuration.hpp>
#include <finovy/create.hpp>
#include <finovy/credentials.hpp>
#include <finovy/decode.hpp>
#include <finovy/diagnostics.hpp>
#include <finovy/enums.hpp>
#include <finovy/error.hpp>
#include <finovy/json.hpp>
#include <finovy/events.hpp>
#include <finovy/listing.hpp>
#include <finovy/metrics.hpp>
#include <finovy/models.hpp>
#include <finovy/rate_limit.hpp>
#include <finovy/secret.hpp>
#include <finovy/stats.hpp>
#include <finovy/wait.hpp>
#include <finovy/watch_hub.hpp>
#include <finovy/with_diagnostics.hpp>

#endif
