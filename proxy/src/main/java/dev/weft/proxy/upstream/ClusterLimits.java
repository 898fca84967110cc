package dev.weft.proxy.upstream;

import dev.weft.proxy.config.ClusterConfig;
import java.util.concurrent.atomic.AtomicInteger;

/** One cluster's circuit breakers: counters shared by all its hosts' pools, against its limits. */
final class ClusterLimits {

    final ClusterConfig.Limits limits;
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger pending = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();

    ClusterLimits(ClusterConfig.Limits limits) {
        this.limits = limits;
    }

    static boolean tryIncrement(AtomicInteger counter, int max) {
        while (true) {
            int current = counter.get();
            if (current >= max) {
                return false;
            }
            if (counter.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }
}
