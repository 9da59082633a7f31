// Separate compilation: enumerations, printers, decoders, JSON conversions (Boost.JSON only),
// and the configuration loader (Boost.PropertyTree, header-only).
#include <finovy/impl/configuration.ipp>
#include <finovy/impl/decode.ipp>
#include <finovy/impl/enums.ipp>
#include <finovy/impl/json.ipp>
#include <finovy/impl/models.ipp>
