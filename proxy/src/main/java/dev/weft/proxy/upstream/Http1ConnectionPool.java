package dev.weft.proxy.upstream;

import dev.weft.proxy.net.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP/1.1 connections to one host, kept alive between requests. Bounded by the cluster's circuit
 * breakers: {@code max_connections} open connections (cluster-wide), {@code max_pending_requests}
 * requests waiting for one; beyond that a request fails at once with overflow (UO), as in Envoy.
 * Idle connections are reused newest first (warm ones), and forgotten when the host closes them.
 *
 * <p>Event-loop affinity (Envoy's per-worker pools, Netty's proxy practice): a request asks for a
 * connection on its downstream connection's event loop, and new connections are opened on that loop.
 * The request, its upstream write, the upstream response and the downstream write then run on one
 * thread, with no hand-off (a wake-up of another thread, twice per request and per hop) between them.
 * An idle connection of another loop is still taken rather than waiting when no new one may be opened.
 */
final class Http1ConnectionPool implements ConnectionPool {

    static final int MAX_RESPONSE_HEADER_BYTES = 64 * 1024;

    private final InetSocketAddress address;
    private final Bootstrap bootstrap;
    private final Map<EventLoop, Bootstrap> bootstrapPerLoop = new ConcurrentHashMap<>();
    private final ClusterLimits limits;
    private final int maxRequestsPerConnection;
    private final PoolStats stats;
    private final Deque<UpstreamConnection> idle = new ArrayDeque<>();
    private final PendingRequests waiting;
    private boolean draining;

    Http1ConnectionPool(Transport transport, InetSocketAddress address, ClusterLimits limits,
            Duration connectTimeout, int maxRequestsPerConnection, PoolStats stats) {
        this(transport, address, limits, connectTimeout, maxRequestsPerConnection, stats, Optional.empty(), 0);
    }

    /**
     * @param tls for a TLS cluster: the client context and SNI; each new connection starts with a
     *            handshake, and counts as connected (or failed to connect) when the handshake ends
     * @param bufferLimitBytes the cluster's per_connection_buffer_limit_bytes (0: Netty's default)
     */
    Http1ConnectionPool(Transport transport, InetSocketAddress address, ClusterLimits limits,
            Duration connectTimeout, int maxRequestsPerConnection, PoolStats stats, Optional<UpstreamTls> tls,
            int bufferLimitBytes) {
        this.address = address;
        this.limits = limits;
        this.maxRequestsPerConnection = maxRequestsPerConnection;
        this.stats = stats;
        this.waiting = new PendingRequests(limits, stats);
        this.bootstrap = new Bootstrap()
                .group(transport.workers())
                .channel(transport.clientChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, ConnectionPool.writeWatermark(bufferLimitBytes))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        tls.ifPresent(t -> channel.pipeline().addLast(t.newHandler(channel.alloc(), address)));
                        channel.pipeline()
                                .addLast(new UpstreamHttp1Codec(8192, MAX_RESPONSE_HEADER_BYTES, 8192))
                                .addLast(new UpstreamResponseHandler());
                    }
                });
    }

    @Override
    public UpstreamConnection tryAcquireIdle(EventLoop loop) {
        if (loop == null) {
            return null;
        }
        synchronized (this) {
            return takeIdle(loop);
        }
    }

    /**
     * The newest idle connection of {@code loop} (null: of any loop), taken out of the idle list, or
     * null; connections found closed on the way are dropped (none is left when it returns null).
     */
    private UpstreamConnection takeIdle(EventLoop loop) {
        for (Iterator<UpstreamConnection> newestFirst = idle.descendingIterator(); newestFirst.hasNext(); ) {
            UpstreamConnection connection = newestFirst.next();
            if (!connection.channel().isActive()) {
                newestFirst.remove();
            } else if (loop == null || connection.channel().eventLoop() == loop) {
                newestFirst.remove();
                return connection;
            }
        }
        return null;
    }

    /**
     * A connection for one request whose downstream runs on {@code loop} (null: any): an idle one of
     * that loop, else a new one on it, else an idle one of another loop, else one freed later; or a
     * failure.
     */
    @Override
    public CompletableFuture<UpstreamConnection> acquire(EventLoop loop) {
        CompletableFuture<UpstreamConnection> result = new CompletableFuture<>();
        boolean connect = false;
        synchronized (this) {
            UpstreamConnection own = takeIdle(loop);
            if (own != null) {
                result.complete(own);
                return result;
            }
            if (ClusterLimits.tryIncrement(limits.connections, limits.limits.maxConnections())) {
                connect = true;
            } else if (!idle.isEmpty()) {
                // Only other loops' live connections are left: the newest of them.
                result.complete(idle.removeLast());
                return result;
            } else if (waiting.offer(result, loop)) {
                stats.connectionOverflow().increment();
            } else {
                result.completeExceptionally(new UpstreamFailure(UpstreamFailure.Kind.OVERFLOW,
                        "too many connections and pending requests to " + address, false));
            }
        }
        if (connect) {
            connect(result, loop);
        }
        return result;
    }

    private void connect(CompletableFuture<UpstreamConnection> result, EventLoop loop) {
        Bootstrap onLoop = loop == null ? bootstrap : bootstrapPerLoop.computeIfAbsent(loop, bootstrap::clone);
        ChannelFuture connecting = onLoop.connect(address);
        UpstreamTls.whenConnected(connecting, address, failure -> connected(result, connecting, failure));
    }

    /** A connection attempt ended (TCP connect, then TLS handshake for a TLS cluster); {@code failure} null on success. */
    private void connected(CompletableFuture<UpstreamConnection> result, ChannelFuture connecting, String failure) {
        if (failure == null) {
            stats.opened().increment();
            Channel channel = connecting.channel();
            UpstreamConnection connection = new UpstreamConnection(channel, this);
            channel.closeFuture().addListener(closed -> closed(connection));
            if (!result.complete(connection)) {
                release(connection, true);
            }
        } else {
            limits.connections.decrementAndGet();
            connecting.channel().close();
            result.completeExceptionally(new UpstreamFailure(UpstreamFailure.Kind.CONNECT_FAILURE, failure, false));
            connectForNextWaiter();
        }
    }

    @Override
    public void release(UpstreamConnection connection, boolean reusable) {
        CompletableFuture<UpstreamConnection> next = null;
        synchronized (this) {
            boolean keep = reusable && !draining && connection.channel().isActive()
                    && (maxRequestsPerConnection == 0 || connection.requests() < maxRequestsPerConnection);
            if (!keep) {
                connection.channel().close();
                return;
            }
            next = waiting.pollLive();
            if (next == null) {
                idle.addLast(connection);
                return;
            }
        }
        next.complete(connection);
    }

    private void closed(UpstreamConnection connection) {
        stats.destroyed().increment();
        synchronized (this) {
            idle.remove(connection);
        }
        limits.connections.decrementAndGet();
        connectForNextWaiter();
    }

    // A connection slot came free: open a connection for the oldest waiting request.
    private void connectForNextWaiter() {
        PendingRequests.Waiter next;
        synchronized (this) {
            next = draining ? null : waiting.pollWithConnectionSlot();
        }
        if (next != null) {
            connect(next.future(), next.loop());
        }
    }

    /** The host left the cluster: close idle connections now, busy ones when their request ends. */
    @Override
    public void drain() {
        Deque<UpstreamConnection> toClose;
        synchronized (this) {
            draining = true;
            toClose = new ArrayDeque<>(idle);
            idle.clear();
        }
        toClose.forEach(connection -> connection.channel().close());
    }

    @Override
    public synchronized int idleConnections() {
        return idle.size();
    }
}
