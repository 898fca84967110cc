package dev.weft.proxy.http;

import dev.weft.proxy.accesslog.AccessLogEntry;
import dev.weft.proxy.accesslog.AccessLogs;
import dev.weft.proxy.http.codec.HttpViolation;
import dev.weft.proxy.stats.ProxyStats;
import dev.weft.proxy.stats.StatusClassCounters;
import dev.weft.proxy.upstream.ClusterManager;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Envoy's HTTP connection manager for one HTTP/1.1 connection: takes whole requests from the
 * codec, runs each through the listener's filter chain with the configuration current when it
 * arrived, and writes the responses in request order (pipelined requests wait their turn; reading
 * pauses meanwhile). Keep-alive unless the client or a draining listener says otherwise.
 */
public final class HttpConnectionManagerHandler extends ChannelInboundHandlerAdapter {

    private final Supplier<ServedListener> config;
    private final ClusterManager clusters;
    private final ProxyStats stats;
    private final BooleanSupplier draining;
    private final AccessLogs accessLogs;
    private final Queue<FullHttpRequest> queued = new ArrayDeque<>();
    private boolean busy;
    private boolean awaitingWritable;
    private boolean starting;
    private ChannelHandlerContext ctx;
    // downstream_rq_* counters of this connection's listener (rebuilt if its stat prefix changes) and the global ones.
    private StatusClassCounters listenerRequests;
    private String listenerStatPrefix;
    private final StatusClassCounters allRequests;

    public HttpConnectionManagerHandler(Supplier<ServedListener> config, ClusterManager clusters, ProxyStats stats,
            BooleanSupplier draining) {
        this(config, clusters, stats, draining, null);
    }

    /** With the proxy's access logs (null: none), written when the listener's HCM has one. */
    public HttpConnectionManagerHandler(Supplier<ServedListener> config, ClusterManager clusters, ProxyStats stats,
            BooleanSupplier draining, AccessLogs accessLogs) {
        this.accessLogs = accessLogs;
        this.config = config;
        this.clusters = clusters;
        this.stats = stats;
        this.draining = draining;
        this.allRequests = new StatusClassCounters(stats, "downstream_rq_");
    }

    private StatusClassCounters listenerRequests(String statPrefix) {
        if (listenerRequests == null || !statPrefix.equals(listenerStatPrefix)) {
            listenerRequests = new StatusClassCounters(stats, "http." + statPrefix + ".downstream_rq_");
            listenerStatPrefix = statPrefix;
        }
        return listenerRequests;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        queued.add(request);
        if (busy) {
            context.channel().config().setAutoRead(false);
        } else {
            startNext();
        }
    }

    private void startNext() {
        FullHttpRequest request = queued.poll();
        if (request == null) {
            ctx.channel().config().setAutoRead(true);
            return;
        }
        busy = true;
        ServedListener served = config.get();
        String prefix = served.active().http().statPrefix();
        listenerRequests(prefix).incTotal();
        allRequests.incTotal();
        boolean keepAlive = HttpUtil.isKeepAlive(request) && !draining.getAsBoolean();
        HttpVersion version = request.protocolVersion();
        HttpExchange[] started = new HttpExchange[1];
        HttpExchange exchange = new HttpExchange(request, served.active(), clusters.clusters(), stats,
                ctx.channel().eventLoop(), response -> onLoop(() -> {
                    if (!ctx.channel().isActive()) { // the client went away first: Envoy's DC
                        started[0].addFlag(ResponseFlag.DC);
                        stats.inc("http." + prefix + ".downstream_cx_destroy_remote_active_rq");
                    }
                    served.active().http().accessLog().ifPresent(log -> accessLog(log.path(), request, response,
                            started[0]));
                    finish(request, response, keepAlive, version, prefix);
                }), ctx.channel().remoteAddress(), overTls(ctx));
        started[0] = exchange;
        if (request.decoderResult().isFailure()) {
            refuse(exchange, request.decoderResult().cause(), prefix);
            return;
        }
        starting = true;
        try {
            new FilterChain(served.filters()).proceed(exchange);
        } catch (RuntimeException e) {
            exchange.localReply(500, null, "internal error");
        } finally {
            starting = false;
        }
    }

    /** A request the codec refused: Envoy's status for it, the connection closes after the answer. */
    private void refuse(HttpExchange exchange, Throwable cause, String prefix) {
        if (cause instanceof HttpViolation violation) {
            switch (violation.details()) {
                case "request_header_timeout" -> stats.inc("http." + prefix + ".downstream_rq_header_timeout");
                case "request_overall_timeout" -> stats.inc("http." + prefix + ".downstream_rq_timeout");
                default -> stats.inc("http." + prefix + ".downstream_cx_protocol_error");
            }
            boolean timeout = violation.status() == 408;
            exchange.localReply(violation.status(), timeout ? null : ResponseFlag.DPE,
                    timeout ? "request timeout" : HttpResponseStatus.valueOf(violation.status()).reasonPhrase());
            return;
        }
        boolean tooLarge = cause instanceof TooLongFrameException;
        exchange.localReply(tooLarge ? 431 : 400, ResponseFlag.DPE, tooLarge ? "request headers too large" : "bad request");
    }

    // The upstream response usually arrives on this connection's own loop (the pool's affinity): run
    // at once then, rather than queueing a task behind whatever else the loop has to do. A reply made
    // while the request is still being started (a local reply) is queued, so pipelined requests
    // never recurse.
    private void onLoop(Runnable task) {
        if (ctx.executor().inEventLoop() && !starting) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }

    /** One line in Envoy's default format, handed to the writer thread (never blocks the loop). */
    private void accessLog(String path, FullHttpRequest request, FullHttpResponse response, HttpExchange exchange) {
        if (accessLogs == null) {
            return;
        }
        boolean refused = request.decoderResult().isFailure();
        long durationMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - exchange.startNanos());
        var headers = request.headers();
        String originalPath = headers.get("x-envoy-original-path");
        accessLogs.log(path, new AccessLogEntry(Instant.now().minusMillis(durationMillis),
                refused ? null : request.method().name(),
                refused ? null : originalPath != null ? originalPath : request.uri(),
                refused ? null : request.protocolVersion().text(),
                exchange.flags().contains(ResponseFlag.DC) ? 0 : response.status().code(),
                exchange.flags().isEmpty() ? null : String.join(",", exchange.flags().stream().map(Enum::name).toList()),
                request.content().readableBytes(),
                response.content().readableBytes(),
                durationMillis,
                response.headers().get("x-envoy-upstream-service-time"),
                refused ? null : headers.get("x-forwarded-for"),
                refused ? null : headers.get(HttpHeaderNames.USER_AGENT),
                refused ? null : headers.get("x-request-id"),
                refused ? null : headers.get(HttpHeaderNames.HOST),
                exchange.upstreamHost()));
    }

    private void finish(FullHttpRequest request, FullHttpResponse response, boolean keepAliveWanted,
            HttpVersion version, String prefix) {
        request.release();
        int status = response.status().code();
        listenerRequests(prefix).incStatus(status);
        allRequests.incStatus(status);
        boolean keepAlive = keepAliveWanted && !request.decoderResult().isFailure() && !draining.getAsBoolean();
        response.setProtocolVersion(version);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (version.equals(HttpVersion.HTTP_1_0)) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        if (!ctx.channel().isActive()) {
            response.release();
            drainQueue();
            return;
        }
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
            drainQueue();
            return;
        }
        if (!ctx.channel().isWritable()) {
            // A client that does not read its responses: the next request waits until it does (the
            // stream idle timeout closes it if it never does), so responses never pile up here.
            awaitingWritable = true;
            return;
        }
        busy = false;
        startNext();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (awaitingWritable && context.channel().isWritable()) {
            awaitingWritable = false;
            busy = false;
            startNext();
        }
        context.fireChannelWritabilityChanged();
    }

    private void drainQueue() {
        FullHttpRequest left;
        while ((left = queued.poll()) != null) {
            left.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        drainQueue();
        context.fireChannelInactive();
    }

    /** Idle timers and drain (see {@link ConnectionEvent}). */
    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) {
        if (!(event instanceof ConnectionEvent connectionEvent)) {
            context.fireUserEventTriggered(event);
            return;
        }
        String prefix = config.get().active().http().statPrefix();
        switch (connectionEvent) {
            case CONNECTION_IDLE -> {
                if (!busy && queued.isEmpty()) {
                    stats.inc("http." + prefix + ".downstream_cx_idle_timeout");
                    context.close();
                }
            }
            case STREAM_IDLE -> {
                if (busy) {
                    stats.inc("http." + prefix + ".downstream_rq_idle_timeout");
                    context.close();
                }
            }
            case DRAIN -> {
                if (!busy && queued.isEmpty()) {
                    stats.inc("http." + prefix + ".downstream_cx_drain_close");
                    context.close();
                }
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        // Connection reset by the client and the like: nothing to answer.
        context.close();
    }

    /** Whether the request came over TLS: the connection's pipeline (the parent's, for an HTTP/2 stream) has an SslHandler. */
    private static boolean overTls(ChannelHandlerContext ctx) {
        io.netty.channel.Channel connection = ctx.channel().parent() != null ? ctx.channel().parent() : ctx.channel();
        return connection.pipeline().get(io.netty.handler.ssl.SslHandler.class) != null;
    }
}
