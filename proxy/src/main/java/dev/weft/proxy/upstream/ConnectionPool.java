package dev.weft.proxy.upstream;

import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import java.util.concurrent.CompletableFuture;

/**
 * Connections to one host, bounded by the cluster's circuit breakers. An acquired
 * {@link UpstreamConnection} carries one request: an HTTP/1.1 connection lent for the request, or
 * a new stream of a shared HTTP/2 connection.
 */
sealed interface ConnectionPool permits Http1ConnectionPool, Http2ConnectionPool, AlpnConnectionPool {

    /** A connection for one request whose downstream runs on {@code loop} (null: any), or a failure. */
    CompletableFuture<UpstreamConnection> acquire(EventLoop loop);

    /**
     * An idle connection of {@code loop} taken at once, or null (then {@link #acquire}): the usual
     * case of a keep-alive pool, without a future and its callback per request.
     */
    default UpstreamConnection tryAcquireIdle(EventLoop loop) {
        return null;
    }

    /** Gives it back: kept for the next request if {@code reusable} (HTTP/1.1), else closed. */
    void release(UpstreamConnection connection, boolean reusable);

    /** The host left the cluster: close idle connections now, busy ones when their requests end. */
    void drain();

    /** Connections open with no request on them. */
    int idleConnections();

    /**
     * The write watermarks of a connection of a cluster with {@code per_connection_buffer_limit_bytes}
     * {@code limit}: unwritable (the request body waits) above it, writable again under half of it;
     * 0: Netty's default (32/64 KiB).
     */
    static WriteBufferWaterMark writeWatermark(int limit) {
        return limit <= 0 ? WriteBufferWaterMark.DEFAULT : new WriteBufferWaterMark(limit / 2, limit);
    }
}
