// Separate compilation: error categories and diagnostics.
#include <finovy/impl/diagnostics.ipp>
#include <finovy/impl/error.ipp>
