package dev.weft.proxy.upstream;

import dev.weft.proxy.config.EndpointsConfig.EndpointConfig;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** One endpoint of a cluster with its connection pool and load counters. */
public final class UpstreamHost implements LbHost {

    private final EndpointConfig endpoint;
    private final ConnectionPool pool;
    /** For {@code use_downstream_protocol_config}: the HTTP/2 pool for requests that came over HTTP/2. */
    private final ConnectionPool http2Pool;
    private final String hostAndPort;
    private final AtomicInteger active = new AtomicInteger();
    final LongAdder requestsTotal = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final OutlierDetector.OutlierState outlier = new OutlierDetector.OutlierState();

    UpstreamHost(EndpointConfig endpoint, ConnectionPool pool) {
        this(endpoint, pool, null);
    }

    UpstreamHost(EndpointConfig endpoint, ConnectionPool pool, ConnectionPool http2Pool) {
        this.endpoint = endpoint;
        this.pool = pool;
        this.http2Pool = http2Pool;
        this.hostAndPort = endpoint.host() + ":" + endpoint.port();
    }

    /** {@code host:port} (the access log's %UPSTREAM_HOST%), made once rather than per request. */
    public String hostAndPort() {
        return hostAndPort;
    }

    public EndpointConfig endpoint() {
        return endpoint;
    }

    ConnectionPool pool() {
        return pool;
    }

    /** The pool for a request that arrived over HTTP/2 ({@code downstreamHttp2}) or HTTP/1.1. */
    ConnectionPool pool(boolean downstreamHttp2) {
        return downstreamHttp2 && http2Pool != null ? http2Pool : pool;
    }

    void drainPools() {
        pool.drain();
        if (http2Pool != null) {
            http2Pool.drain();
        }
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
        return pool.idleConnections() + (http2Pool == null ? 0 : http2Pool.idleConnections());
    }

    void requestStarted() {
        active.incrementAndGet();
        requestsTotal.increment();
    }

    void requestEnded() {
        active.decrementAndGet();
    }
}
