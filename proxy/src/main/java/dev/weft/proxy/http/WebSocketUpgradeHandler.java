package dev.weft.proxy.http;

import dev.weft.proxy.config.ActiveListener;
import dev.weft.proxy.http.codec.Http1RequestScanner;
import dev.weft.proxy.http.codec.Http1ResponseEncoder;
import dev.weft.proxy.network.Splice;
import dev.weft.proxy.net.Transport;
import dev.weft.proxy.route.Route;
import dev.weft.proxy.route.RouteAction;
import dev.weft.proxy.stats.ProxyStats;
import dev.weft.proxy.upstream.ClusterManager;
import dev.weft.proxy.upstream.UpstreamCluster;
import dev.weft.proxy.upstream.UpstreamHost;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The HTTP connection manager's {@code upgrade_configs: websocket} for HTTP/1.1. A request with
 * {@code Upgrade: websocket} is routed like any request (virtual host, route, cluster, host), sent
 * with its Upgrade and Connection headers on a connection of its own; when the upstream answers
 * 101, the 101 goes to the client and both connections are spliced byte for byte
 * ({@link Splice}: backpressure, half-close, idle timeout = the HCM's stream_idle_timeout, else 1 h).
 * Any other answer is passed to the client, which is then closed. Sits between the server codec
 * and the aggregator, so every other request goes on to {@link HttpConnectionManagerHandler}
 * untouched. HTTP filters (fault, ...) are not run on upgrade requests yet. After the 101 the HTTP/1.1
 * scanner and response encoder leave the connection (bytes the scanner holds go to the splice).
 */
public final class WebSocketUpgradeHandler extends ChannelInboundHandlerAdapter {

    private static final int MAX_UPGRADE_RESPONSE_BYTES = 64 * 1024;
    private static final Duration DEFAULT_IDLE = Duration.ofHours(1);

    private final Supplier<ServedListener> served;
    private final ClusterManager clusters;
    private final ProxyStats stats;
    private final Transport transport;
    private boolean upgrading;

    public WebSocketUpgradeHandler(Supplier<ServedListener> served, ClusterManager clusters, ProxyStats stats,
            Transport transport) {
        this.served = served;
        this.clusters = clusters;
        this.stats = stats;
        this.transport = transport;
    }

    static boolean isWebSocketUpgrade(HttpRequest request) {
        return request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (upgrading) {
            ReferenceCountUtil.release(msg); // the upgrade request's (empty) body; nothing else is read meanwhile
            return;
        }
        if (msg instanceof HttpRequest request && request.protocolVersion().equals(HttpVersion.HTTP_1_1)
                && isWebSocketUpgrade(request)) {
            upgrading = true;
            ctx.channel().config().setAutoRead(false);
            FullHttpRequest head = new DefaultFullHttpRequest(request.protocolVersion(), request.method(),
                    request.uri(), Unpooled.EMPTY_BUFFER, request.headers().copy(),
                    io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
            ReferenceCountUtil.release(msg);
            start(ctx, head);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void start(ChannelHandlerContext ctx, FullHttpRequest request) {
        ActiveListener listener = served.get().active();
        String prefix = "http." + listener.http().statPrefix() + ".";
        stats.inc(prefix + "downstream_rq_total");
        Optional<Route> route = listener.routes().route(new NettyRequestView(request), listener.http().stripAnyHostPort());
        if (route.isEmpty()) {
            stats.inc(prefix + "no_route");
            reply(ctx, 404, ResponseFlag.NR, "");
            return;
        }
        if (!(route.get().action() instanceof RouteAction.Forward forward)) {
            RouteAction.DirectResponse direct = (RouteAction.DirectResponse) route.get().action();
            reply(ctx, direct.status(), null, direct.body());
            return;
        }
        String clusterName = forward.target().pick(bound -> ThreadLocalRandom.current().nextInt(bound));
        Optional<UpstreamCluster> cluster = clusters.cluster(clusterName);
        if (cluster.isEmpty()) {
            reply(ctx, 503, ResponseFlag.NC, "cluster not found");
            return;
        }
        Optional<UpstreamHost> host = cluster.get().chooseHost();
        if (host.isEmpty()) {
            stats.inc("cluster." + clusterName + ".upstream_cx_none_healthy");
            reply(ctx, 503, ResponseFlag.UH, "no healthy upstream");
            return;
        }
        if (forward.hostRewrite() != null) {
            request.headers().set(HttpHeaderNames.HOST, forward.hostRewrite());
        }
        var endpoint = host.get().endpoint();
        InetSocketAddress address = NetUtil.isValidIpV4Address(endpoint.host())
                || NetUtil.isValidIpV6Address(endpoint.host())
                ? new InetSocketAddress(endpoint.host(), endpoint.port())
                : InetSocketAddress.createUnresolved(endpoint.host(), endpoint.port());
        String clusterStat = "cluster." + clusterName + ".";
        Duration idle = listener.http().limits().streamIdleTimeout().isZero() ? DEFAULT_IDLE
                : listener.http().limits().streamIdleTimeout();
        new Bootstrap()
                .group(ctx.channel().eventLoop())
                .channel(transport.clientChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, cluster.get().config().connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel upstream) {
                        upstream.pipeline().addLast("codec", new HttpClientCodec())
                                .addLast("aggregator", new HttpObjectAggregator(MAX_UPGRADE_RESPONSE_BYTES))
                                .addLast("upgrade-response", new UpgradeResponse(ctx, prefix, clusterStat, idle));
                    }
                })
                .connect(address).addListener((ChannelFutureListener) connected -> {
                    if (!connected.isSuccess()) {
                        stats.inc(clusterStat + "upstream_cx_connect_fail");
                        reply(ctx, 503, ResponseFlag.UF,
                                "upstream connect error or disconnect/reset before headers. reset reason: connection failure");
                        return;
                    }
                    stats.inc(clusterStat + "upstream_cx_total");
                    stats.inc(clusterStat + "upstream_rq_total");
                    if (!ctx.channel().isActive()) {
                        connected.channel().close();
                        return;
                    }
                    // Upgrade and Connection stay: they are what asks the upstream to switch.
                    connected.channel().writeAndFlush(request);
                });
    }

    /** The upstream's answer to the upgrade request. */
    private final class UpgradeResponse extends ChannelInboundHandlerAdapter {

        private final ChannelHandlerContext downstream;
        private final String prefix;
        private final String clusterStat;
        private final Duration idle;

        UpgradeResponse(ChannelHandlerContext downstream, String prefix, String clusterStat, Duration idle) {
            this.downstream = downstream;
            this.prefix = prefix;
            this.clusterStat = clusterStat;
            this.idle = idle;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof FullHttpResponse response)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            stats.inc(clusterStat + "upstream_rq_" + ProxyStats.statusClass(response.status().code()));
            stats.inc(prefix + "downstream_rq_" + ProxyStats.statusClass(response.status().code()));
            if (!response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                downstream.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                ctx.close();
                return;
            }
            Channel upstream = ctx.channel();
            Channel client = downstream.channel();
            upstream.config().setAutoRead(false);
            // Encoded by the server codec right here, before the codec goes.
            downstream.writeAndFlush(response);
            stats.inc(prefix + "downstream_cx_upgrades_total");
            stats.counter(prefix + "downstream_cx_upgrades_active").increment();
            client.closeFuture().addListener(closed ->
                    stats.counter(prefix + "downstream_cx_upgrades_active").decrement());
            removeAllBut(client.pipeline(), List.of(Http1ResponseEncoder.class, Http1RequestScanner.class));
            removeAllBut(upstream.pipeline(), List.of(HttpClientCodec.class));
            Splice.join(client, upstream, idle, stats.counter(prefix + "downstream_cx_rx_bytes_total")::add,
                    stats.counter(prefix + "downstream_cx_tx_bytes_total")::add,
                    () -> stats.inc(prefix + "downstream_cx_idle_timeout"), false);
            // The codecs go last: bytes they hold already (sent right behind the 101) reach the splice.
            client.pipeline().remove(Http1ResponseEncoder.class);
            Http1RequestScanner.remove(client.pipeline());
            upstream.pipeline().remove(HttpClientCodec.class);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (downstream.channel().isActive() && downstream.pipeline().get(Http1ResponseEncoder.class) != null) {
                reply(downstream, 503, ResponseFlag.UC, "upstream connect error or disconnect/reset before headers. "
                        + "reset reason: connection termination");
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    // Every handler but the codec and the transport socket: HTTP handling ends here for the connection.
    private static void removeAllBut(ChannelPipeline pipeline, List<Class<? extends ChannelHandler>> kept) {
        List<String> names = new ArrayList<>(pipeline.names());
        for (String name : names) {
            ChannelHandler handler = pipeline.get(name);
            // The chain's transport socket (TLS) stays under the splice.
            if (handler != null && !name.equals("transport-socket")
                    && kept.stream().noneMatch(type -> type.isInstance(handler))) {
                pipeline.remove(name);
            }
        }
    }

    private void reply(ChannelHandlerContext ctx, int status, ResponseFlag flag, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(HttpHeaderNames.SERVER, "weft");
        if (flag != null) {
            response.headers().set("x-weft-response-flags", flag.name());
            stats.inc("http." + served.get().active().http().statPrefix() + ".rs_flag." + flag.name());
        }
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
