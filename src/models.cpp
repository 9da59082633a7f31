// Separate compilation: enumerations, printers, decoders and JSON conversions (Boost.JSON only).
#include <finovy/impl/decode.ipp>
#include <finovy/impl/enums.ipp>
#include <finovy/impl/json.ipp>
#include <finovy/impl/models.ipp>
