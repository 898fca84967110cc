package dev.weft.proxy.http;

import dev.weft.proxy.stats.ProxyStats;
import dev.weft.proxy.upstream.ClusterManager;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Queue;
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
    private final Queue<FullHttpRequest> queued = new ArrayDeque<>();
    private boolean busy;
    private boolean starting;
    private ChannelHandlerContext ctx;

    public HttpConnectionManagerHandler(Supplier<ServedListener> config, ClusterManager clusters, ProxyStats stats,
            BooleanSupplier draining) {
        this.config = config;
        this.clusters = clusters;
        this.stats = stats;
        this.draining = draining;
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
        stats.inc("http." + prefix + ".downstream_rq_total");
        stats.inc("downstream_rq_total");
        boolean keepAlive = HttpUtil.isKeepAlive(request) && !draining.getAsBoolean();
        HttpVersion version = request.protocolVersion();
        HttpExchange exchange = new HttpExchange(request, served.active(), clusters.clusters(), stats,
                ctx.channel().eventLoop(), response -> onLoop(() -> finish(request, response, keepAlive, version, prefix)),
                ctx.channel().remoteAddress(), overTls(ctx));
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            boolean tooLarge = cause instanceof TooLongFrameException;
            exchange.localReply(tooLarge ? 431 : 400, ResponseFlag.DPE,
                    tooLarge ? "request headers too large" : "bad request");
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

    private void finish(FullHttpRequest request, FullHttpResponse response, boolean keepAliveWanted,
            HttpVersion version, String prefix) {
        request.release();
        int status = response.status().code();
        stats.inc("http." + prefix + ".downstream_rq_" + ProxyStats.statusClass(status));
        stats.inc("downstream_rq_" + ProxyStats.statusClass(status));
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
        busy = false;
        startNext();
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

    /** A connection with nothing in flight for the stream idle timeout is closed. */
    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) {
        if (event instanceof IdleStateEvent && !busy) {
            stats.inc("downstream_cx_idle_timeout");
            context.close();
            return;
        }
        context.fireUserEventTriggered(event);
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
