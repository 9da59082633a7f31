// Separate compilation: the client's members and each endpoint's request.
#include <finovy/impl/client.ipp>
#include <finovy/impl/operations.ipp>
