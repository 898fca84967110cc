package dev.weft.proxy.admin;

import dev.weft.proxy.listener.ListenerManager;
import dev.weft.proxy.net.Transport;
import dev.weft.proxy.stats.ProxyStats;
import dev.weft.proxy.upstream.ClusterManager;
import dev.weft.proxy.xds.AdsClient;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The proxy's admin server (Envoy's, on loopback:15000 by default): /ready, /config_dump,
 * /clusters, /listeners, /memory, /stats, /stats/prometheus (GET), and POST /drain_listeners.
 *
 * <p>It runs on the proxy's own Netty (its event loops, its HTTP codec): the JDK's HttpServer it
 * replaced cost every proxy three threads and ~90 classes at start for a handful of GETs. /ready
 * and /listeners answer on the event loop; the pages that print the whole configuration or every
 * stat run on one admin thread, made at the first such request, so a large /config_dump never
 * stalls the connections that event loop serves.
 */
public final class AdminServer implements AutoCloseable {

    private static final int MAX_REQUEST_BYTES = 64 * 1024;
    /** An admin connection with nothing to read for this long is closed (the JDK server had an idle timer too). */
    private static final int IDLE_SECONDS = 60;

    private final Channel channel;
    private final BooleanSupplier ready;
    private final AdsClient xds;
    private final ClusterManager clusters;
    private final ListenerManager listeners;
    private final ProxyStats stats;
    private volatile ExecutorService slowPages;

    public AdminServer(String host, int port, Transport transport, BooleanSupplier ready, AdsClient xds,
            ClusterManager clusters, ListenerManager listeners, ProxyStats stats) throws IOException {
        this.ready = ready;
        this.xds = xds;
        this.clusters = clusters;
        this.listeners = listeners;
        this.stats = stats;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(transport.acceptors(), transport.workers())
                .channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(IDLE_SECONDS),
                                new HttpServerCodec(4096, 8192, 8192), new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                new Handler());
                    }
                });
        var bind = bootstrap.bind(new InetSocketAddress(host, port)).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            Throwable cause = bind.cause();
            throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause.getMessage()), cause);
        }
        this.channel = bind.channel();
    }

    /** Kept for callers that start it in two steps; the server accepts once constructed. */
    public AdminServer start() {
        return this;
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** A page: status, content type and body. */
    private record Page(int status, String contentType, String body) {
        static Page text(int status, String body) {
            return new Page(status, "text/plain", body);
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (!request.decoderResult().isSuccess()) {
                send(ctx, HttpVersion.HTTP_1_1, false, Page.text(400, "bad request\n"));
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpVersion version = request.protocolVersion();
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            String path = uri.path();
            HttpMethod method = request.method();
            if (path.equals("/drain_listeners")) {
                // Envoy's POST /drain_listeners[?graceful][&inboundonly]: answers at once, the drain goes on.
                if (!method.equals(HttpMethod.POST)) {
                    send(ctx, version, keepAlive, Page.text(405, "use POST\n"));
                    return;
                }
                Set<String> params = uri.parameters().keySet();
                slowPages().execute(() -> {
                    listeners.drainListeners(params.contains("graceful"), params.contains("inboundonly"));
                    ctx.executor().execute(() -> send(ctx, version, keepAlive, Page.text(200, "OK\n")));
                });
                return;
            }
            if (!method.equals(HttpMethod.GET)) {
                send(ctx, version, keepAlive, Page.text(405, "method not allowed\n"));
                return;
            }
            switch (path) {
                case "/ready" -> {
                    boolean isReady = ready.getAsBoolean();
                    send(ctx, version, keepAlive, Page.text(isReady ? 200 : 503, isReady ? "LIVE\n" : "PRE_INITIALIZING\n"));
                }
                case "/listeners" -> send(ctx, version, keepAlive, Page.text(200, listenersText()));
                case "/config_dump", "/clusters", "/memory", "/stats", "/stats/prometheus" -> slowPages().execute(() -> {
                    Page page;
                    try {
                        page = slowPage(path);
                    } catch (RuntimeException e) {
                        page = Page.text(500, "cannot print " + path + ": " + e + "\n");
                    }
                    Page answer = page;
                    ctx.executor().execute(() -> send(ctx, version, keepAlive, answer));
                });
                default -> send(ctx, version, keepAlive, Page.text(404,
                        "admin endpoints: /ready /config_dump /clusters /listeners /memory /stats /stats/prometheus"
                        + " POST /drain_listeners[?graceful][&inboundonly]\n"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private Page slowPage(String path) {
        return switch (path) {
            case "/config_dump" -> new Page(200, "application/json", ConfigDumpJson.print(xds.dump()));
            case "/clusters" -> Page.text(200, ClustersText.print(clusters.clusters()));
            case "/memory" -> new Page(200, "application/json", MemoryJson.print());
            case "/stats/prometheus" -> {
                var gauges = new TreeMap<>(stats.gaugeSnapshot());
                gauges.put("control_plane.connected_state", xds.connected() ? 1L : 0L);
                yield new Page(200, "text/plain; version=0.0.4", PrometheusText.print(stats.snapshot(), gauges));
            }
            default -> {
                StringBuilder out = new StringBuilder();
                stats.snapshot().forEach((name, value) -> out.append(name).append(": ").append(value).append('\n'));
                stats.gaugeSnapshot().forEach((name, value) -> out.append(name).append(": ").append(value).append('\n'));
                out.append("control_plane.connected_state: ").append(xds.connected() ? 1 : 0).append('\n');
                yield Page.text(200, out.toString());
            }
        };
    }

    private String listenersText() {
        StringBuilder out = new StringBuilder();
        listeners.bound().forEach((name, bound) -> out.append(name).append("::")
                .append(bound.address().getAddress().getHostAddress()).append(':')
                .append(bound.address().getPort()).append('\n'));
        return out.toString();
    }

    /** The admin thread, made at the first page that needs it. */
    private ExecutorService slowPages() {
        ExecutorService executor = slowPages;
        if (executor == null) {
            synchronized (this) {
                executor = slowPages;
                if (executor == null) {
                    executor = Executors.newSingleThreadExecutor(
                            Thread.ofPlatform().name("weft-admin").daemon(true).factory());
                    slowPages = executor;
                }
            }
        }
        return executor;
    }

    private static void send(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive, Page page) {
        byte[] bytes = page.body().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(version,
                HttpResponseStatus.valueOf(page.status()), Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, page.contentType() + "; charset=utf-8");
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        ExecutorService executor = slowPages;
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
