package dev.weft.proxy.listener;

import dev.weft.proxy.accesslog.AccessLogs;
import dev.weft.proxy.config.ProxyLimits;
import dev.weft.proxy.http.ConnectionEvent;
import dev.weft.proxy.http.HttpConnectionManagerHandler;
import dev.weft.proxy.http.codec.Http1RequestScanner;
import dev.weft.proxy.http.codec.IdleTimer;
import dev.weft.proxy.http.ServedListener;
import dev.weft.proxy.net.Transport;
import dev.weft.proxy.stats.ProxyStats;
import dev.weft.proxy.upstream.ClusterManager;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One bound listener socket. Its configuration can be replaced at any time ({@link #update}): open
 * connections pick up the new routes with their next request, nothing is closed. {@link #drain}
 * stops accepting, closes idle connections, tells busy ones to close (Connection: close on their
 * response) and closes what is left after the drain time.
 *
 * <p>Each connection: idle timers, {@link Http1RequestScanner} (strict RFC 9112 checks, header and
 * request timeouts), Netty's codec in its strict mode, the aggregator (bounded), the connection
 * manager. Connections over the listener's or the proxy's limit are closed on accept.
 */
final class ListenerServer {

    private final AtomicReference<ServedListener> config;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Transport transport;
    private final ConnectionLimiter globalConnections;
    private final ConnectionLimiter listenerConnections;
    private final AccessLogs accessLogs;
    private volatile boolean draining;
    private Channel serverChannel;

    ListenerServer(ServedListener initial, Transport transport, ProxyLimits limits, ConnectionLimiter global,
            AccessLogs accessLogs) {
        this.accessLogs = accessLogs;
        this.config = new AtomicReference<>(initial);
        this.transport = transport;
        this.globalConnections = global;
        this.listenerConnections = new ConnectionLimiter(limits.maxConnectionsPerListener());
    }

    /** Binds (blocking until bound or failed). */
    void bind(String host, int port, ClusterManager clusters, ProxyStats stats) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(transport.acceptors(), transport.workers())
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        var http = config.get().active().http();
                        String listenerStat = "listener." + statAddress() + ".";
                        stats.inc("downstream_cx_total");
                        stats.inc(listenerStat + "downstream_cx_total");
                        if (!listenerConnections.tryAcquire()) {
                            stats.inc(listenerStat + "downstream_cx_overflow");
                            channel.close();
                            return;
                        }
                        if (!globalConnections.tryAcquire()) {
                            listenerConnections.release();
                            stats.inc(listenerStat + "downstream_global_cx_overflow");
                            channel.close();
                            return;
                        }
                        String httpStat = "http." + http.statPrefix() + ".";
                        stats.inc(httpStat + "downstream_cx_total");
                        var gauges = java.util.List.of(stats.gauge(listenerStat + "downstream_cx_active"),
                                stats.gauge(httpStat + "downstream_cx_active"), stats.gauge("server.total_connections"));
                        gauges.forEach(java.util.concurrent.atomic.AtomicLong::incrementAndGet);
                        channel.closeFuture().addListener(closed -> {
                            listenerConnections.release();
                            globalConnections.release();
                            gauges.forEach(java.util.concurrent.atomic.AtomicLong::decrementAndGet);
                            stats.inc(listenerStat + "downstream_cx_destroy");
                        });
                        connections.add(channel);
                        ProxyLimits.Http limits = http.limits();
                        if (!limits.idleTimeout().isZero()) {
                            channel.pipeline().addLast(new IdleTimer(ConnectionEvent.CONNECTION_IDLE, limits.idleTimeout()));
                        }
                        if (!limits.streamIdleTimeout().isZero()) {
                            channel.pipeline().addLast(new IdleTimer(ConnectionEvent.STREAM_IDLE,
                                    limits.streamIdleTimeout()));
                        }
                        channel.pipeline()
                                .addLast(Http1RequestScanner.NAME, new Http1RequestScanner(limits))
                                .addLast(new HttpServerCodec(decoderConfig(limits)))
                                .addLast(new HttpObjectAggregator(limits.maxRequestBodyBytes()))
                                .addLast(new HttpConnectionManagerHandler(config::get, clusters, stats,
                                        () -> draining, accessLogs));
                        // Accepted while draining gracefully: served once, with Connection: close.
                    }
                });
        serverChannel = bootstrap.bind(new InetSocketAddress(host, port)).sync().channel();
    }

    /**
     * Netty's decoder in its strictest mode, with limits a little above the scanner's so that the
     * scanner, which answers with Envoy's status codes, is the one that refuses.
     */
    private static HttpDecoderConfig decoderConfig(ProxyLimits.Http limits) {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxRequestLineBytes() + 1024)
                .setMaxHeaderSize(limits.maxRequestHeadBytes() + 1024)
                .setMaxChunkSize(8192)
                .setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true)
                .setAllowDuplicateContentLengths(false);
    }

    /** Envoy's listener stat name part: {@code 127.0.0.1_15006}. */
    private String statAddress() {
        InetSocketAddress address = boundAddress();
        return address == null ? "unbound" : address.getAddress().getHostAddress() + "_" + address.getPort();
    }

    void update(ServedListener next) {
        config.set(next);
    }

    ServedListener current() {
        return config.get();
    }

    InetSocketAddress boundAddress() {
        return serverChannel == null ? null : (InetSocketAddress) serverChannel.localAddress();
    }

    int activeConnections() {
        return listenerConnections.active();
    }

    boolean draining() {
        return draining;
    }

    /**
     * Stops accepting now (or, {@code graceful}, keeps accepting until the drain time is over while
     * telling every client to close), closes idle connections, lets busy ones finish with Connection:
     * close, and closes what is left after {@code drainTime}. Completes when no connection is left.
     */
    CompletableFuture<Void> drain(Duration drainTime, boolean graceful) {
        draining = true;
        if (serverChannel != null && !graceful) {
            serverChannel.close();
        }
        connections.forEach(channel -> channel.pipeline().fireUserEventTriggered(ConnectionEvent.DRAIN));
        CompletableFuture<Void> done = new CompletableFuture<>();
        transport.workers().schedule(() -> {
            if (serverChannel != null) {
                serverChannel.close();
            }
            connections.close().addListener(closed -> done.complete(null));
        }, drainTime.toMillis(), TimeUnit.MILLISECONDS);
        pollUntilEmpty(done);
        return done;
    }

    void drain(Duration drainTime) {
        drain(drainTime, false);
    }

    // Completes early when every connection is gone before the drain time is over.
    private void pollUntilEmpty(CompletableFuture<Void> done) {
        if (done.isDone()) {
            return;
        }
        if (connections.isEmpty() && (serverChannel == null || !serverChannel.isOpen())) {
            done.complete(null);
            return;
        }
        transport.workers().schedule(() -> pollUntilEmpty(done), 50, TimeUnit.MILLISECONDS);
    }

    void closeNow() {
        draining = true;
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly(2_000);
        }
        connections.close().awaitUninterruptibly(2_000);
    }
}
