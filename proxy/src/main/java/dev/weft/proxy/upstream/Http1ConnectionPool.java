package dev.weft.proxy.upstream;

import dev.weft.proxy.net.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

/**
 * HTTP/1.1 connections to one host, kept alive between requests. Bounded by the cluster's circuit
 * breakers: {@code max_connections} open connections (cluster-wide), {@code max_pending_requests}
 * requests waiting for one; beyond that a request fails at once with overflow (UO), as in Envoy.
 * Idle connections are reused newest first (warm ones), and forgotten when the host closes them.
 */
final class Http1ConnectionPool {

    static final int MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
    static final int MAX_RESPONSE_HEADER_BYTES = 64 * 1024;

    private final InetSocketAddress address;
    private final Bootstrap bootstrap;
    private final ClusterLimits limits;
    private final int maxRequestsPerConnection;
    private final Deque<UpstreamConnection> idle = new ArrayDeque<>();
    private final Deque<CompletableFuture<UpstreamConnection>> waiting = new ArrayDeque<>();
    private boolean draining;

    Http1ConnectionPool(Transport transport, InetSocketAddress address, ClusterLimits limits,
            Duration connectTimeout, int maxRequestsPerConnection) {
        this.address = address;
        this.limits = limits;
        this.maxRequestsPerConnection = maxRequestsPerConnection;
        this.bootstrap = new Bootstrap()
                .group(transport.workers())
                .channel(transport.clientChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline()
                                .addLast(new HttpClientCodec(8192, MAX_RESPONSE_HEADER_BYTES, 8192))
                                .addLast(new HttpObjectAggregator(MAX_RESPONSE_BYTES))
                                .addLast(new UpstreamResponseHandler());
                    }
                });
    }

    /** A connection for one request: an idle one, a new one, or one freed later; or a failure. */
    CompletableFuture<UpstreamConnection> acquire() {
        CompletableFuture<UpstreamConnection> result = new CompletableFuture<>();
        boolean connect = false;
        synchronized (this) {
            UpstreamConnection connection;
            while ((connection = idle.pollLast()) != null) {
                if (connection.channel().isActive()) {
                    result.complete(connection);
                    return result;
                }
            }
            if (ClusterLimits.tryIncrement(limits.connections, limits.limits.maxConnections())) {
                connect = true;
            } else if (ClusterLimits.tryIncrement(limits.pending, limits.limits.maxPendingRequests())) {
                waiting.add(result);
            } else {
                result.completeExceptionally(new UpstreamFailure(UpstreamFailure.Kind.OVERFLOW,
                        "too many connections and pending requests to " + address, false));
            }
        }
        if (connect) {
            connect(result);
        }
        return result;
    }

    private void connect(CompletableFuture<UpstreamConnection> result) {
        ChannelFuture connecting = bootstrap.connect(address);
        connecting.addListener(done -> {
            if (done.isSuccess()) {
                Channel channel = connecting.channel();
                UpstreamConnection connection = new UpstreamConnection(channel, this);
                channel.closeFuture().addListener(closed -> closed(connection));
                if (!result.complete(connection)) {
                    release(connection, true);
                }
            } else {
                limits.connections.decrementAndGet();
                Throwable cause = done.cause();
                String detail = cause instanceof ConnectTimeoutException ? "connect timeout to " + address
                        : "cannot connect to " + address + ": " + cause.getMessage();
                result.completeExceptionally(new UpstreamFailure(UpstreamFailure.Kind.CONNECT_FAILURE, detail, false));
                connectForNextWaiter();
            }
        });
    }

    void release(UpstreamConnection connection, boolean reusable) {
        CompletableFuture<UpstreamConnection> next = null;
        synchronized (this) {
            boolean keep = reusable && !draining && connection.channel().isActive()
                    && (maxRequestsPerConnection == 0 || connection.requests() < maxRequestsPerConnection);
            if (!keep) {
                connection.channel().close();
                return;
            }
            while ((next = waiting.poll()) != null) {
                limits.pending.decrementAndGet();
                if (!next.isDone()) {
                    break;
                }
            }
            if (next == null) {
                idle.addLast(connection);
                return;
            }
        }
        next.complete(connection);
    }

    private void closed(UpstreamConnection connection) {
        synchronized (this) {
            idle.remove(connection);
        }
        limits.connections.decrementAndGet();
        connectForNextWaiter();
    }

    // A connection slot came free: open a connection for the oldest waiting request.
    private void connectForNextWaiter() {
        CompletableFuture<UpstreamConnection> next;
        synchronized (this) {
            if (waiting.isEmpty() || draining
                    || !ClusterLimits.tryIncrement(limits.connections, limits.limits.maxConnections())) {
                return;
            }
            next = waiting.poll();
            limits.pending.decrementAndGet();
        }
        connect(next);
    }

    /** The host left the cluster: close idle connections now, busy ones when their request ends. */
    void drain() {
        Deque<UpstreamConnection> toClose;
        synchronized (this) {
            draining = true;
            toClose = new ArrayDeque<>(idle);
            idle.clear();
        }
        toClose.forEach(connection -> connection.channel().close());
    }

    synchronized int idleConnections() {
        return idle.size();
    }
}
