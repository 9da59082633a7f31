// Separate compilation: one attempt's transport (TLS, HTTP, decoding).
#include <finovy/impl/transport.ipp>
#include <finovy/impl/wire.ipp>
