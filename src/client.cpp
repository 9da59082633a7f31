// Separate compilation: the transport (pool, TLS, token, retries). The heaviest unit.
#include <finovy/impl/client_impl.ipp>
