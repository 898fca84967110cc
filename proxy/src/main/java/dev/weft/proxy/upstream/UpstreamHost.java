package dev.weft.proxy.upstream;

import dev.weft.proxy.config.EndpointsConfig.EndpointConfig;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** One endpoint of a cluster with its connection pool and load counters. */
public final class UpstreamHost implements LbHost {

    private final EndpointConfig endpoint;
    private final Http1ConnectionPool pool;
    private final AtomicInteger active = new AtomicInteger();
    final LongAdder requestsTotal = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final OutlierDetector.OutlierState outlier = new OutlierDetector.OutlierState();

    UpstreamHost(EndpointConfig endpoint, Http1ConnectionPool pool) {
        this.endpoint = endpoint;
        this.pool = pool;
    }

    public EndpointConfig endpoint() {
        return endpoint;
    }

    Http1ConnectionPool pool() {
        return pool;
    }

    @Override
    public int activeRequests() {
        return active.get();
    }

    @Override
    public int weight() {
        return Math.max(1, endpoint.weight());
    }

    @Override
    public String hashKey() {
        return endpoint.address();
    }

    public long requestsTotal() {
        return requestsTotal.sum();
    }

    public long connectFailures() {
        return connectFailures.sum();
    }

    /** Ejected by outlier detection: no traffic until it is brought back. */
    public boolean ejected() {
        return outlier.ejected;
    }

    public int idleConnections() {
        return pool.idleConnections();
    }

    void requestStarted() {
        active.incrementAndGet();
        requestsTotal.increment();
    }

    void requestEnded() {
        active.decrementAndGet();
    }
}
