package dev.weft.proxy.listener;

import dev.weft.proxy.config.ListenerConfig;
import dev.weft.proxy.config.ProxyLimits;
import dev.weft.proxy.http.ConnectionEvent;
import dev.weft.proxy.config.ListenerConfig.FilterChainConfig;
import dev.weft.proxy.http.ServedListener;
import dev.weft.proxy.listener.filter.OriginalDestination;
import dev.weft.proxy.network.ConnectionInfo;
import dev.weft.proxy.network.NetworkContext;
import dev.weft.proxy.network.NetworkFilters;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One bound listener socket. Per connection: the original destination (original_dst /
 * use_original_dst), the hand-over to the listener of that destination (use_original_dst), the
 * inspecting listener filters, then the filter chain chosen by its match, built by
 * {@link NetworkFilters}. Its configuration can be replaced at any time ({@link #update}): open HTTP
 * connections pick up the new routes with their next request, nothing is closed. Connections over
 * the listener's or the proxy's limit are closed on accept. {@link #drain}
 * stops accepting, tells clients to close (Connection: close on their next response) and closes
 * what is left after the drain time.
 */
final class ListenerServer {

    private static final System.Logger LOG = System.getLogger(ListenerServer.class.getName());

    private final AtomicReference<PreparedListener> config;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final NetworkContext context;
    private final ListenerDirectory listeners;
    private final ConnectionLimiter globalConnections;
    private final ConnectionLimiter listenerConnections;
    private volatile boolean draining;
    private Channel serverChannel;

    /** Every listener of the current configuration, bound or not, as they are now. */
    interface ListenerDirectory {

        Optional<PreparedListener> named(String name);

        /** The listener for an original destination: exact address first, then 0.0.0.0 / [::] on its port. */
        Optional<PreparedListener> at(InetSocketAddress destination);
    }

    ListenerServer(PreparedListener initial, NetworkContext context, ListenerDirectory listeners, ProxyLimits limits,
            ConnectionLimiter global) {
        this.globalConnections = global;
        this.listenerConnections = new ConnectionLimiter(limits.maxConnectionsPerListener());
        this.config = new AtomicReference<>(initial);
        this.context = context;
        this.listeners = listeners;
    }

    /** Binds (blocking until bound or failed). */
    void bind(String host, int port) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(context.transport().acceptors(), context.transport().workers())
                .channel(context.transport().serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        var stats = context.stats();
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
                        var gauges = java.util.List.of(stats.gauge(listenerStat + "downstream_cx_active"),
                                stats.gauge("server.total_connections"));
                        gauges.forEach(java.util.concurrent.atomic.AtomicLong::incrementAndGet);
                        channel.closeFuture().addListener(closed -> {
                            listenerConnections.release();
                            globalConnections.release();
                            gauges.forEach(java.util.concurrent.atomic.AtomicLong::decrementAndGet);
                            stats.inc(listenerStat + "downstream_cx_destroy");
                        });
                        connections.add(channel);
                        // Accepted while draining gracefully: served once, with Connection: close.
                        accept(channel);
                    }
                });
        serverChannel = bootstrap.bind(new InetSocketAddress(host, port)).sync().channel();
    }

    private void accept(SocketChannel channel) {
        PreparedListener listener = config.get();
        ListenerConfig listenerConfig = listener.config();
        InetSocketAddress local = channel.localAddress();
        Optional<InetSocketAddress> original = Optional.empty();
        if (listenerConfig.useOriginalDst() || listenerConfig.listenerFilters().originalDst()) {
            original = OriginalDestination.of(channel);
        }
        ConnectionInfo connection = ConnectionInfo.of(channel.remoteAddress(), original.orElse(local),
                original.isPresent());
        PreparedListener target = listener;
        if (listenerConfig.useOriginalDst() && original.isPresent()) {
            target = listeners.at(original.get()).orElse(listener);
        }
        PreparedListener chosen = target;
        if (chosen.config().listenerFilters().inspects()) {
            channel.pipeline().addLast("listener-filters", new ListenerFilterHandler(
                    chosen.config().listenerFilters(), connection,
                    (ctx, inspected) -> startChain(ctx.channel(), chosen, inspected),
                    () -> context.stats().inc("listener." + chosen.config().name() + ".downstream_pre_cx_timeout")));
        } else {
            startChain(channel, chosen, connection);
        }
    }

    private void startChain(Channel channel, PreparedListener listener, ConnectionInfo connection) {
        int index = listener.chainFor(connection);
        if (index < 0) {
            // Envoy: "closing connection from X: no matching filter chain found".
            context.stats().inc("listener." + listener.config().name() + ".no_filter_chain_match");
            LOG.log(System.Logger.Level.DEBUG, "listener " + listener.config().name() + ": no filter chain for "
                    + connection);
            channel.close();
            return;
        }
        FilterChainConfig chain = listener.chains().get(index);
        ServedListener http = listener.http().get(index).orElse(null);
        String listenerName = listener.config().name();
        NetworkFilters.install(channel, chain, () -> currentHttp(listenerName, chain.name(), index, http),
                connection, context, () -> draining);
    }

    // The HTTP connection manager of this chain as configured now (an update may have replaced it).
    private ServedListener currentHttp(String listenerName, String chainName, int index, ServedListener started) {
        return listeners.named(listenerName).map(now -> now.currentHttp(chainName, index, started)).orElse(started);
    }

    void update(PreparedListener next) {
        config.set(next);
    }

    PreparedListener current() {
        return config.get();
    }

    InetSocketAddress boundAddress() {
        return serverChannel == null ? null : (InetSocketAddress) serverChannel.localAddress();
    }

    /** Envoy's listener stat name part: {@code 127.0.0.1_15006}. */
    private String statAddress() {
        InetSocketAddress address = boundAddress();
        return address == null ? "unbound" : address.getAddress().getHostAddress() + "_" + address.getPort();
    }

    int activeConnections() {
        return listenerConnections.active();
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
        // HTTP/1.1: idle connections close now, busy ones after their response (Connection: close);
        // HTTP/2: GOAWAY now, open streams finish.
        connections.forEach(channel -> channel.pipeline().fireUserEventTriggered(ConnectionEvent.DRAIN));
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.transport().workers().schedule(() -> {
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
        context.transport().workers().schedule(() -> pollUntilEmpty(done), 50, TimeUnit.MILLISECONDS);
    }

    void closeNow() {
        draining = true;
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly(2_000);
        }
        connections.close().awaitUninterruptibly(2_000);
    }
}
