// Separate compilation: enumerations, printers and decoders (Boost.JSON only).
#include <finovy/impl/decode.ipp>
#include <finovy/impl/enums.ipp>
#include <finovy/impl/models.ipp>
