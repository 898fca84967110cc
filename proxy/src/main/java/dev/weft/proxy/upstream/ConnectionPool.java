package dev.weft.proxy.upstream;

import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;

/**
 * Connections to one host, bounded by the cluster's circuit breakers. An acquired
 * {@link UpstreamConnection} carries one request: an HTTP/1.1 connection lent for the request, or
 * a new stream of a shared HTTP/2 connection.
 */
sealed interface ConnectionPool permits Http1ConnectionPool, Http2ConnectionPool {

    /** A connection for one request whose downstream runs on {@code loop} (null: any), or a failure. */
    CompletableFuture<UpstreamConnection> acquire(EventLoop loop);

    /** Gives it back: kept for the next request if {@code reusable} (HTTP/1.1), else closed. */
    void release(UpstreamConnection connection, boolean reusable);

    /** The host left the cluster: close idle connections now, busy ones when their requests end. */
    void drain();

    /** Connections open with no request on them. */
    int idleConnections();
}
