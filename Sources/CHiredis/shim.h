#ifndef STAMPEDE_CHIREDIS_SHIM_H
#define STAMPEDE_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#include <sys/time.h>

// redisConnectWithTimeout takes a struct timeval by value; give Swift a millisecond form.
static inline redisContext *chiredis_connect(const char *host, int port, long timeout_ms) {
    struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
    return redisConnectWithTimeout(host, port, tv);
}
static inline int chiredis_set_timeout(redisContext *c, long timeout_ms) {
    struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
    return redisSetTimeout(c, tv);
}
#endif
