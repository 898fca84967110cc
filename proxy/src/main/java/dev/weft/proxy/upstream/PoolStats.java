package dev.weft.proxy.upstream;

import dev.weft.proxy.stats.ProxyStats;
import java.util.concurrent.atomic.LongAdder;

/**
 * A cluster's connection pool counters, with Envoy's names: {@code upstream_cx_total} (connections
 * opened), {@code upstream_cx_destroy} (closed), {@code upstream_rq_pending_total} (requests that
 * had to wait for a connection), {@code upstream_cx_overflow} (a new connection was wanted but the
 * max_connections circuit breaker said no, so the request waits: Envoy counts it once the pending
 * check has passed, so a request refused by max_pending_requests counts only as
 * {@code upstream_rq_pending_overflow}). Opened-per-request is how connection churn shows in {@code /stats}.
 */
record PoolStats(LongAdder opened, LongAdder destroyed, LongAdder pending, LongAdder connectionOverflow) {

    static PoolStats of(ProxyStats stats, String cluster) {
        String prefix = "cluster." + cluster + ".";
        return new PoolStats(stats.counter(prefix + "upstream_cx_total"), stats.counter(prefix + "upstream_cx_destroy"),
                stats.counter(prefix + "upstream_rq_pending_total"), stats.counter(prefix + "upstream_cx_overflow"));
    }
}
