package dev.weft.proxy.network.tcp;

import dev.weft.proxy.config.ClusterConfig;
import dev.weft.proxy.config.TcpProxyConfig;
import dev.weft.proxy.network.ConnectionInfo;
import dev.weft.proxy.net.EpollHalfClose;
import dev.weft.proxy.network.NetworkContext;
import dev.weft.proxy.network.Splice;
import dev.weft.proxy.stats.ProxyStats;
import dev.weft.proxy.upstream.UpstreamCluster;
import dev.weft.proxy.upstream.UpstreamHost;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Envoy's {@code tcp_proxy} for one downstream connection: picks the cluster (weighted), connects
 * to one of its hosts (an ORIGINAL_DST cluster: to the connection's original destination) on the
 * downstream connection's event loop, retrying up to {@code max_connect_attempts}, then relays bytes
 * both ways. Backpressure: a side stops reading while the other side's socket is not writable.
 * Half-close is passed on (a FIN from one side shuts down output to the other); the connection
 * ends when both directions are done, when either side closes or resets, or after
 * {@code idle_timeout} without bytes either way. Stats: {@code tcp.<prefix>.*} and
 * {@code cluster.<name>.upstream_cx_*}.
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
    private Channel upstream;
    private String clusterStats;
    private int attempts;
    private boolean downstreamInputDone;
    private boolean upstreamInputDone;
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
        EpollHalfClose.keepRegistered(channel);
        stats.inc(prefix + "downstream_cx_total");
        if (!config.idleTimeout().isZero()) {
            ctx.pipeline().addBefore(ctx.name(), "tcp-proxy-idle", new IdleStateHandler(0, 0,
                    config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        }
        connect();
    }

    private String pickCluster() {
        int total = config.totalWeight();
        int point = ThreadLocalRandom.current().nextInt(total);
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
            closeBoth();
            return;
        }
        Optional<InetSocketAddress> address = address(cluster.get());
        if (address.isEmpty()) {
            stats.inc(clusterStats + "upstream_cx_none_healthy");
            closeBoth();
            return;
        }
        ClusterConfig clusterConfig = cluster.get().config();
        Bootstrap bootstrap = new Bootstrap()
                .group(downstream.channel().eventLoop())
                .channel(context.transport().clientChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        clusterConfig.connectTimeout().toMillis()))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new UpstreamSide());
        bootstrap.connect(address.get()).addListener((ChannelFutureListener) future -> {
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
                closeBoth();
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

    private void connected(Channel channel) {
        stats.inc(clusterStats + "upstream_cx_total");
        stats.counter(clusterStats + "upstream_cx_active").increment();
        if (closed) {
            channel.close();
            return;
        }
        upstream = channel;
        EpollHalfClose.keepRegistered(channel);
        Object message;
        while ((message = pending.poll()) != null) {
            toUpstream(message);
        }
        upstream.flush();
        if (downstreamInputDone) {
            Splice.shutdownOutput(upstream);
        }
        downstream.channel().config().setAutoRead(downstreamInputDone ? false : upstream.isWritable());
        upstream.config().setAutoRead(downstream.channel().isWritable());
    }

    private void toUpstream(Object message) {
        if (message instanceof ByteBuf bytes) {
            int size = bytes.readableBytes();
            stats.counter(prefix + "downstream_cx_rx_bytes_total").add(size);
            stats.counter(clusterStats + "upstream_cx_tx_bytes_total").add(size);
            upstream.write(bytes, upstream.voidPromise());
        } else {
            ReferenceCountUtil.release(message);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (upstream == null) {
            pending.add(message);
        } else {
            toUpstream(message);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (upstream != null) {
            upstream.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (upstream != null && !upstreamInputDone) {
            upstream.config().setAutoRead(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            downstreamInputDone = true;
            ctx.channel().config().setAutoRead(false);
            if (upstream != null) {
                Splice.shutdownOutput(upstream);
            }
            closeIfBothDone();
        } else if (event instanceof IdleStateEvent) {
            stats.inc(prefix + "idle_timeout");
            closeBoth();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeBoth();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePending();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Reset by the client and the like.
        closeBoth();
    }

    private void closeIfBothDone() {
        if (downstreamInputDone && upstreamInputDone) {
            closeBoth();
        }
    }

    // What was written is flushed before the close.
    private void closeBoth() {
        if (closed) {
            return;
        }
        closed = true;
        releasePending();
        if (upstream != null) {
            upstream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        downstream.channel().writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void releasePending() {
        Object message;
        while ((message = pending.poll()) != null) {
            ReferenceCountUtil.release(message);
        }
    }

    /** The upstream connection's side: bytes to the client, its FIN and close passed on. */
    private final class UpstreamSide extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof ByteBuf bytes) {
                int size = bytes.readableBytes();
                stats.counter(clusterStats + "upstream_cx_rx_bytes_total").add(size);
                stats.counter(prefix + "downstream_cx_tx_bytes_total").add(size);
                downstream.write(bytes, downstream.voidPromise());
            } else {
                ReferenceCountUtil.release(message);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            downstream.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (!downstreamInputDone) {
                downstream.channel().config().setAutoRead(ctx.channel().isWritable());
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                upstreamInputDone = true;
                ctx.channel().config().setAutoRead(false);
                Splice.shutdownOutput(downstream.channel());
                closeIfBothDone();
            } else {
                ctx.fireUserEventTriggered(event);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            stats.counter(clusterStats + "upstream_cx_active").decrement();
            stats.inc(clusterStats + "upstream_cx_destroy");
            closeBoth();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closeBoth();
        }
    }
}
