// Separate compilation: waits, the watch hub, whole listings and id-resolving creates.
#include <finovy/impl/listing.ipp>
#include <finovy/impl/resolve.ipp>
#include <finovy/impl/wait.ipp>
#include <finovy/impl/watch_hub.ipp>
