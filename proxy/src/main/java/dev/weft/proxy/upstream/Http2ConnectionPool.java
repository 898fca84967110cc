package dev.weft.proxy.upstream;

import dev.weft.proxy.config.Http2Options;
import dev.weft.proxy.http2.Http2Codecs;
import dev.weft.proxy.net.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Multiplexed HTTP/2 connections to one host (prior knowledge: cleartext h2c, or over TLS for a TLS
 * cluster, offering h2 by ALPN): each request is a new
 * stream of a shared connection. A connection takes streams up to the lower of our
 * {@code max_concurrent_streams} and the host's SETTINGS; then another connection is opened, within
 * the cluster's {@code max_connections}; beyond that requests wait ({@code max_pending_requests})
 * or overflow (UO), as in the HTTP/1.1 pool. {@code max_requests} is enforced by the cluster for
 * both. A connection the host sent GOAWAY on, or that carried {@code max_requests_per_connection}
 * streams, takes no new streams and closes when its last ends.
 * Event-loop affinity as in {@link Http1ConnectionPool}: a connection on the request's loop first.
 */
final class Http2ConnectionPool implements ConnectionPool {

    /** One HTTP/2 connection and the streams on it. */
    private final class Connection {
        final Channel channel;
        final Http2FrameCodec codec;
        int active;
        /** Streams opened so far: {@code max_requests_per_connection} retires the connection. */
        int opened;
        boolean goingAway;

        Connection(Channel channel) {
            this.channel = channel;
            this.codec = channel.pipeline().get(Http2FrameCodec.class);
        }

        boolean hasCapacity() {
            return !goingAway && channel.isActive() && !codec.connection().goAwayReceived()
                    && (maxRequestsPerConnection == 0 || opened < maxRequestsPerConnection)
                    && active < options.maxConcurrentStreams()
                    && active < codec.connection().local().maxActiveStreams();
        }
    }

    /** The connection window every HTTP/2 connection starts with (RFC 9113 6.9.2). */
    private static final int DEFAULT_WINDOW = 65_535;

    private final InetSocketAddress address;
    private final Bootstrap bootstrap;
    private final Map<EventLoop, Bootstrap> bootstrapPerLoop = new ConcurrentHashMap<>();
    private final ClusterLimits limits;
    private final Http2Options options;
    private final int maxRequestsPerConnection;
    private final PoolStats stats;
    private final List<Connection> connections = new ArrayList<>();
    private final Map<Channel, Connection> byChannel = new ConcurrentHashMap<>();
    private final Set<Channel> liveStreams = ConcurrentHashMap.newKeySet();
    private final PendingRequests waiting;
    /** Connections being established: requests meanwhile wait for them (up to their streams). */
    private int opening;
    private boolean draining;

    Http2ConnectionPool(Transport transport, InetSocketAddress address, ClusterLimits limits,
            Duration connectTimeout, Http2Options options, int maxRequestsPerConnection, PoolStats stats) {
        this(transport, address, limits, connectTimeout, options, maxRequestsPerConnection, stats, Optional.empty(), 0);
    }

    /**
     * @param tls for a TLS cluster: each new connection starts with a handshake; the connection
     *            preface waits for it, and the connection counts as connected when it ends
     * @param bufferLimitBytes the cluster's per_connection_buffer_limit_bytes (0: Netty's default)
     */
    Http2ConnectionPool(Transport transport, InetSocketAddress address, ClusterLimits limits, Duration connectTimeout,
            Http2Options options, int maxRequestsPerConnection, PoolStats stats, Optional<UpstreamTls> tls,
            int bufferLimitBytes) {
        this.address = address;
        this.limits = limits;
        this.options = options;
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
                                .addLast(Http2Codecs.client(options, Http1ConnectionPool.MAX_RESPONSE_HEADER_BYTES))
                                .addLast(new Http2MultiplexHandler(new RefusePushedStreams()))
                                .addLast(new GoAwayListener());
                    }
                });
    }

    @Override
    public CompletableFuture<UpstreamConnection> acquire(EventLoop loop) {
        CompletableFuture<UpstreamConnection> result = new CompletableFuture<>();
        Connection chosen = null;
        boolean connect = false;
        synchronized (this) {
            Connection other = null;
            for (Connection connection : connections) {
                if (!connection.hasCapacity()) {
                    continue;
                }
                if (loop == null || connection.channel.eventLoop() == loop) {
                    chosen = connection;
                    break;
                }
                if (other == null) {
                    other = connection;
                }
            }
            if (chosen == null && opening > 0 && waiting.size() < (long) opening * options.maxConcurrentStreams()) {
                // A connection is on its way with room for this request: wait for it rather than open
                // one more (a burst of requests must not become a burst of connections).
                if (!waiting.offer(result, loop)) {
                    result.completeExceptionally(new UpstreamFailure(UpstreamFailure.Kind.OVERFLOW,
                            "too many pending requests to " + address, false));
                }
                return result;
            }
            if (chosen == null && other != null && !ClusterLimits.tryIncrement(limits.connections,
                    limits.limits.maxConnections())) {
                chosen = other;
            } else if (chosen == null && other != null) {
                connect = true; // a slot was taken: open one on this loop
            } else if (chosen == null) {
                if (ClusterLimits.tryIncrement(limits.connections, limits.limits.maxConnections())) {
                    connect = true;
                } else if (waiting.offer(result, loop)) {
                    stats.connectionOverflow().increment();
                } else {
                    result.completeExceptionally(new UpstreamFailure(UpstreamFailure.Kind.OVERFLOW,
                            "too many connections, streams and pending requests to " + address, false));
                }
            }
            if (chosen != null) {
                chosen.active++;
                chosen.opened++;
            }
        }
        if (chosen != null) {
            openStream(chosen, result);
        } else if (connect) {
            connect(result, loop);
        }
        return result;
    }

    private void connect(CompletableFuture<UpstreamConnection> first, EventLoop loop) {
        synchronized (this) {
            opening++;
        }
        Bootstrap onLoop = loop == null ? bootstrap : bootstrapPerLoop.computeIfAbsent(loop, bootstrap::clone);
        ChannelFuture connecting = onLoop.connect(address);
        UpstreamTls.whenConnected(connecting, address, detail -> {
            synchronized (this) {
                opening--;
            }
            if (detail != null) {
                limits.connections.decrementAndGet();
                connecting.channel().close();
                UpstreamFailure failure = new UpstreamFailure(UpstreamFailure.Kind.CONNECT_FAILURE, detail, false);
                first.completeExceptionally(failure);
                failWaitersIfNothingLeft(failure);
                connectForNextWaiter();
                return;
            }
            stats.opened().increment();
            Connection connection = new Connection(connecting.channel());
            if (options.initialConnectionWindowSize() > DEFAULT_WINDOW) {
                connection.channel.writeAndFlush(new DefaultHttp2WindowUpdateFrame(
                        options.initialConnectionWindowSize() - DEFAULT_WINDOW));
            }
            List<CompletableFuture<UpstreamConnection>> served = new ArrayList<>();
            synchronized (this) {
                connections.add(connection);
                byChannel.put(connection.channel, connection);
                connection.active++;
                connection.opened++;
                served.add(first);
                // The new connection may carry the waiting requests too.
                while (!waiting.isEmpty() && connection.hasCapacity()) {
                    PendingRequests.Waiter waiter = waiting.poll();
                    connection.active++;
                    connection.opened++;
                    served.add(waiter.future());
                }
            }
            connection.channel.closeFuture().addListener(closed -> closed(connection));
            served.forEach(future -> openStream(connection, future));
        });
    }

    // Requests that waited for a connection that failed, with no other connection open or opening:
    // they fail with it (UF) instead of waiting for connect attempts one after another.
    private void failWaitersIfNothingLeft(UpstreamFailure failure) {
        List<PendingRequests.Waiter> failed;
        synchronized (this) {
            if (opening > 0 || !connections.isEmpty()) {
                return;
            }
            failed = waiting.pollAll();
        }
        failed.forEach(waiter -> waiter.future().completeExceptionally(failure));
    }

    private void openStream(Connection connection, CompletableFuture<UpstreamConnection> result) {
        if (result.isDone()) { // timed out while waiting
            streamEnded(connection);
            return;
        }
        new Http2StreamChannelBootstrap(connection.channel).handler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline()
                        .addLast(new Http2StreamFrameToHttpObjectCodec(false))
                        .addLast(new RefusedStreams())
                        .addLast(new UpstreamResponseHandler());
            }
        }).open().addListener(opened -> {
            if (!opened.isSuccess()) {
                streamEnded(connection);
                result.completeExceptionally(new UpstreamFailure(UpstreamFailure.Kind.CONNECTION_TERMINATION,
                        "cannot open a stream to " + address + ": " + opened.cause(), false));
                return;
            }
            Http2StreamChannel stream = (Http2StreamChannel) opened.getNow();
            liveStreams.add(stream);
            if (!result.complete(new UpstreamConnection(stream, this))) {
                release(new UpstreamConnection(stream, this), false);
            }
        });
    }

    /** The stream is done (or given up): it is closed (RST_STREAM if it was still open) and its slot freed. */
    @Override
    public void release(UpstreamConnection stream, boolean reusable) {
        Channel channel = stream.channel();
        if (!liveStreams.remove(channel)) {
            return; // released already (an abort after a timeout, then the failure it caused)
        }
        if (channel.isActive()) {
            channel.close();
        }
        Connection connection = byChannel.get(channel.parent());
        if (connection != null) {
            streamEnded(connection);
        }
    }

    private void streamEnded(Connection connection) {
        PendingRequests.Waiter next = null;
        boolean close = false;
        synchronized (this) {
            connection.active--;
            if (connection.hasCapacity() && !waiting.isEmpty()) {
                next = waiting.poll();
                connection.active++;
                connection.opened++;
            } else if (connection.active == 0 && (draining || connection.goingAway || retired(connection))) {
                close = true;
            }
        }
        if (next != null) {
            openStream(connection, next.future());
        } else if (close) {
            connection.channel.close();
        }
    }

    private boolean retired(Connection connection) {
        return maxRequestsPerConnection > 0 && connection.opened >= maxRequestsPerConnection;
    }

    private void closed(Connection connection) {
        stats.destroyed().increment();
        synchronized (this) {
            connections.remove(connection);
            byChannel.remove(connection.channel);
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

    @Override
    public void drain() {
        List<Connection> idle = new ArrayList<>();
        synchronized (this) {
            draining = true;
            for (Connection connection : connections) {
                if (connection.active == 0) {
                    idle.add(connection);
                }
            }
        }
        idle.forEach(connection -> connection.channel.close());
    }

    @Override
    public synchronized int idleConnections() {
        return (int) connections.stream().filter(connection -> connection.active == 0).count();
    }

    /** The host's GOAWAY: no new streams on this connection; it closes when its streams end. */
    private final class GoAwayListener extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2GoAwayFrame) {
                boolean close;
                synchronized (Http2ConnectionPool.this) {
                    Connection connection = byChannel.get(ctx.channel());
                    close = connection != null && connection.active == 0;
                    if (connection != null) {
                        connection.goingAway = true;
                    }
                }
                if (close) {
                    ctx.close();
                }
            }
            ReferenceCountUtil.release(msg); // SETTINGS, PING acks and the like end here
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Server push is disabled in our SETTINGS; a pushed stream is refused. */
    @ChannelHandler.Sharable
    private static final class RefusePushedStreams extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.close();
        }
    }
}
