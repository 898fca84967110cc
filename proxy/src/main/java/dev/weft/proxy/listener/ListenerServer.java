package dev.weft.proxy.listener;

import dev.weft.proxy.http.HttpConnectionManagerHandler;
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
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One bound listener socket. Its configuration can be replaced at any time ({@link #update}): open
 * connections pick up the new routes with their next request, nothing is closed. {@link #drain}
 * stops accepting, tells clients to close (Connection: close on their next response) and closes
 * what is left after the drain time.
 */
final class ListenerServer {

    static final int MAX_REQUEST_BODY_BYTES = 1024 * 1024;
    private static final int MAX_INITIAL_LINE_BYTES = 16 * 1024;

    private final AtomicReference<ServedListener> config;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Transport transport;
    private volatile boolean draining;
    private Channel serverChannel;

    ListenerServer(ServedListener initial, Transport transport) {
        this.config = new AtomicReference<>(initial);
        this.transport = transport;
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
                        connections.add(channel);
                        var http = config.get().active().http();
                        stats.inc("downstream_cx_total");
                        stats.inc("http." + http.statPrefix() + ".downstream_cx_total");
                        int maxHeaderBytes = http.maxRequestHeadersKb() * 1024;
                        if (!http.streamIdleTimeout().isZero()) {
                            channel.pipeline().addLast(new IdleStateHandler(0, 0,
                                    http.streamIdleTimeout().toMillis(), TimeUnit.MILLISECONDS));
                        }
                        // TLS first: the SNI picks the chain's context (proxy/tls); the rest sees plaintext.
                        ServedListener served = config.get();
                        served.active().tls().ifPresent(tls -> tls.install(channel.pipeline(), sni ->
                                stats.inc("listener." + served.active().config().name() + ".no_filter_chain_match")));
                        channel.pipeline()
                                .addLast(new HttpServerCodec(MAX_INITIAL_LINE_BYTES, maxHeaderBytes, 8192))
                                .addLast(new HttpObjectAggregator(MAX_REQUEST_BODY_BYTES))
                                .addLast(new HttpConnectionManagerHandler(config::get, clusters, stats,
                                        () -> draining));
                    }
                });
        serverChannel = bootstrap.bind(new InetSocketAddress(host, port)).sync().channel();
    }

    void update(ServedListener next) {
        config.set(next);
    }

    ServedListener current() {
        return config.get();
    }

    InetSocketAddress boundAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    void drain(Duration drainTime) {
        draining = true;
        if (serverChannel != null) {
            serverChannel.close();
        }
        transport.workers().schedule(() -> connections.close(), drainTime.toMillis(), TimeUnit.MILLISECONDS);
    }

    void closeNow() {
        draining = true;
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly(2_000);
        }
        connections.close().awaitUninterruptibly(2_000);
    }
}
