package dev.weft.proxy.upstream;

import dev.weft.proxy.stats.ProxyStats;
import java.util.concurrent.atomic.LongAdder;

/**
 * A cluster's connection pool counters, with Envoy's names: {@code upstream_cx_total} (connections
 * opened), {@code upstream_cx_destroy} (closed), {@code upstream_rq_pending_total} (requests that
 * had to wait for a connection). Opened-per-request is how connection churn shows in {@code /stats}.
 */
record PoolStats(LongAdder opened, LongAdder destroyed, LongAdder pending) {

    static PoolStats of(ProxyStats stats, String cluster) {
        String prefix = "cluster." + cluster + ".";
        return new PoolStats(stats.counter(prefix + "upstream_cx_total"), stats.counter(prefix + "upstream_cx_destroy"),
                stats.counter(prefix + "upstream_rq_pending_total"));
    }
}
