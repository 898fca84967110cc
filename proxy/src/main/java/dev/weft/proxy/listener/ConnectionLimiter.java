package dev.weft.proxy.listener;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts downstream connections against {@code ProxyLimits.maxConnections} (all listeners, one
 * instance per proxy) and {@code maxConnectionsPerListener} (one per listener socket).
 */
final class ConnectionLimiter {

    private final AtomicInteger active = new AtomicInteger();
    private final int max;

    ConnectionLimiter(int max) {
        this.max = max;
    }

    boolean tryAcquire() {
        while (true) {
            int now = active.get();
            if (now >= max) {
                return false;
            }
            if (active.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void release() {
        active.decrementAndGet();
    }

    int active() {
        return active.get();
    }
}
