// Compile this header in exactly one translation unit of a program that defines
// FINOVY_SEPARATE_COMPILATION everywhere (or link the finovy::compiled CMake target).
#ifndef FINOVY_SRC_HPP
#define FINOVY_SRC_HPP

#ifndef FINOVY_SEPARATE_COMPILATION
#error "<finovy/src.hpp> is for FINOVY_SEPARATE_COMPILATION builds; header-only builds need no source file"
#endif

#include <finovy/impl/client.ipp>
#include <finovy/impl/client_impl.ipp>
#include <finovy/impl/configuration.ipp>
#include <finovy/impl/transport.ipp>
#include <finovy/impl/wire.ipp>
#include <finovy/impl/operations.ipp>
#include <finovy/impl/decode.ipp>
#include <finovy/impl/diagnostics.ipp>
#include <finovy/impl/enums.ipp>
#include <finovy/impl/error.ipp>
#include <finovy/impl/json.ipp>
#include <finovy/impl/listing.ipp>
#include <finovy/impl/models.ipp>
#include <finovy/impl/resolve.ipp>
#include <finovy/impl/wait.ipp>
#include <finovy/impl/watch_hub.ipp>

#endif
