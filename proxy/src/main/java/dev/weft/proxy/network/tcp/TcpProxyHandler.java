package dev.weft.proxy.network.tcp;

import dev.weft.proxy.config.ClusterConfig;
import dev.weft.proxy.config.TcpProxyConfig;
import dev.weft.proxy.net.EpollHalfClose;
import dev.weft.proxy.network.ConnectionInfo;
import dev.weft.proxy.network.NetworkContext;
import dev.weft.proxy.network.Splice;
import dev.weft.proxy.stats.ProxyStats;
import dev.weft.proxy.upstream.UpstreamCluster;
import dev.weft.proxy.upstream.UpstreamHost;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Envoy's {@code tcp_proxy} for one downstream connection: picks the cluster (weighted), connects
 * to one of its hosts (an ORIGINAL_DST cluster: to the connection's original destination) on the
 * downstream connection's event loop, retrying up to {@code max_connect_attempts}, then hands both
 * connections to a {@link Splice} (bytes both ways with backpressure, half-close, {@code
 * idle_timeout}) and steps aside. Stats: {@code tcp.<prefix>.*} and {@code cluster.<name>.upstream_cx_*}.
 */
public final class TcpProxyHandler extends ChannelInboundHandlerAdapter {

    private static final System.Logger LOG = System.getLogger(TcpProxyHandler.class.getName());

    private final TcpProxyConfig config;
    private final ConnectionInfo connection;
    private final NetworkContext context;
    private final ProxyStats stats;
    private final String prefix;
    /** Bytes read before the upstream connection is up; bounded because reading is off meanwhile. */
    private final Queue<Object> pending = new ArrayDeque<>();
    private ChannelHandlerContext downstream;
    private String clusterStats;
    private int attempts;
    private boolean downstreamInputDone;
    private boolean closed;

    public TcpProxyHandler(TcpProxyConfig config, ConnectionInfo connection, NetworkContext context) {
        this.config = config;
        this.connection = connection;
        this.context = context;
        this.stats = context.stats();
        this.prefix = "tcp." + config.statPrefix() + ".";
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        downstream = ctx;
        Channel channel = ctx.channel();
        channel.config().setAutoRead(false);
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        EpollHalfClose.keepRegistered(channel); // before a FIN can empty its interest set
        stats.inc(prefix + "downstream_cx_total");
        connect();
    }

    private String pickCluster() {
        int point = ThreadLocalRandom.current().nextInt(config.totalWeight());
        for (TcpProxyConfig.WeightedCluster cluster : config.clusters()) {
            point -= cluster.weight();
            if (point < 0) {
                return cluster.name();
            }
        }
        return config.clusters().getLast().name();
    }

    private void connect() {
        attempts++;
        String name = pickCluster();
        clusterStats = "cluster." + name + ".";
        Optional<UpstreamCluster> cluster = context.clusters().cluster(name);
        if (cluster.isEmpty()) {
            stats.inc(prefix + "downstream_cx_no_route");
            close();
            return;
        }
        Optional<InetSocketAddress> address = address(cluster.get());
        if (address.isEmpty()) {
            stats.inc(clusterStats + "upstream_cx_none_healthy");
            close();
            return;
        }
        ClusterConfig clusterConfig = cluster.get().config();
        new Bootstrap()
                .group(downstream.channel().eventLoop())
                .channel(context.transport().clientChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        clusterConfig.connectTimeout().toMillis()))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(address.get()).addListener((ChannelFutureListener) future -> {
                    if (future.isSuccess()) {
                        connected(future.channel());
                        return;
                    }
                    stats.inc(clusterStats + "upstream_cx_connect_fail");
                    if (closed) {
                        return;
                    }
                    if (attempts < config.maxConnectAttempts()) {
                        connect();
                    } else {
                        stats.inc(prefix + "upstream_cx_connect_attempts_exceeded");
                        LOG.log(System.Logger.Level.DEBUG, "tcp_proxy " + config.statPrefix() + ": cannot connect to "
                                + address.get() + ": " + future.cause());
                        close();
                    }
                });
    }

    // ORIGINAL_DST: where the client meant to go, known only when iptables redirected it here (never
    // the proxy's own address: that would connect to itself).
    private Optional<InetSocketAddress> address(UpstreamCluster cluster) {
        if (cluster.config().discovery() == ClusterConfig.Discovery.ORIGINAL_DST) {
            return connection.originalDestination() ? Optional.of(connection.destination()) : Optional.empty();
        }
        return cluster.chooseHost().map(UpstreamHost::endpoint).map(endpoint ->
                NetUtil.isValidIpV4Address(endpoint.host()) || NetUtil.isValidIpV6Address(endpoint.host())
                        ? new InetSocketAddress(endpoint.host(), endpoint.port())
                        : InetSocketAddress.createUnresolved(endpoint.host(), endpoint.port()));
    }

    private void connected(Channel upstream) {
        stats.inc(clusterStats + "upstream_cx_total");
        LongAdder active = stats.counter(clusterStats + "upstream_cx_active");
        active.increment();
        upstream.closeFuture().addListener(done -> {
            active.decrement();
            stats.inc(clusterStats + "upstream_cx_destroy");
        });
        if (closed) {
            upstream.close();
            return;
        }
        Channel client = downstream.channel();
        LongAdder received = stats.counter(prefix + "downstream_cx_rx_bytes_total");
        LongAdder sent = stats.counter(prefix + "downstream_cx_tx_bytes_total");
        LongAdder upstreamSent = stats.counter(clusterStats + "upstream_cx_tx_bytes_total");
        LongAdder upstreamReceived = stats.counter(clusterStats + "upstream_cx_rx_bytes_total");
        Object message;
        while ((message = pending.poll()) != null) {
            if (message instanceof ByteBuf bytes) {
                received.add(bytes.readableBytes());
                upstreamSent.add(bytes.readableBytes());
                upstream.write(bytes, upstream.voidPromise());
            } else {
                ReferenceCountUtil.release(message);
            }
        }
        upstream.flush();
        EpollHalfClose.keepRegistered(upstream);
        downstream.pipeline().remove(this);
        Splice.join(client, upstream, config.idleTimeout(),
                bytes -> {
                    received.add(bytes);
                    upstreamSent.add(bytes);
                },
                bytes -> {
                    upstreamReceived.add(bytes);
                    sent.add(bytes);
                },
                () -> stats.inc(prefix + "idle_timeout"), downstreamInputDone);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        pending.add(message);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            downstreamInputDone = true; // passed on once the upstream connection is up
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        close();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePending();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        close(); // reset by the client and the like
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        releasePending();
        downstream.close();
    }

    private void releasePending() {
        Object message;
        while ((message = pending.poll()) != null) {
            ReferenceCountUtil.release(message);
        }
    }
}
