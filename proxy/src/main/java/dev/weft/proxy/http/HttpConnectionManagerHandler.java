package dev.weft.proxy.http;

import dev.weft.proxy.accesslog.AccessLogEntry;
import dev.weft.proxy.accesslog.AccessLogs;
import dev.weft.proxy.http.codec.HttpViolation;
import dev.weft.proxy.stats.ProxyStats;
import dev.weft.proxy.stats.StatusClassCounters;
import dev.weft.proxy.upstream.ClusterManager;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Envoy's HTTP connection manager for one HTTP/1.1 connection (or one HTTP/2 stream): takes each
 * request as its head arrives, runs it through the listener's filter chain with the configuration
 * current then, and streams its body into the request's {@link RequestBody} as it is read. The
 * response is written as it comes ({@link Responder}): head, chunks, end; a reset closes the
 * connection (HTTP/1.1) or resets the stream (HTTP/2). Responses go out in request order:
 * pipelined requests wait their turn, reading pauses meanwhile. Keep-alive unless the client or a
 * draining listener says otherwise.
 */
public final class HttpConnectionManagerHandler extends ChannelInboundHandlerAdapter {

    /** Why reading the downstream is paused (reading resumes when no reason is left). */
    private static final int PAUSED_PIPELINING = 1;
    private static final int PAUSED_BODY = 2;

    private final Supplier<ServedListener> config;
    private final ClusterManager clusters;
    private final ProxyStats stats;
    private final BooleanSupplier draining;
    private final AccessLogs accessLogs;
    private final Queue<HttpObject> queued = new ArrayDeque<>();
    /** The body being read (null: between requests). */
    private RequestBody reading;
    /** The request in flight (its response not completely written). */
    private Responder current;
    private boolean busy;
    private boolean awaitingWritable;
    private boolean starting;
    private int pauses;
    private final AtomicInteger queuedTasks = new AtomicInteger();
    private Runnable whenWritable;
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
        if (reading != null && msg instanceof HttpContent content && !(msg instanceof HttpRequest)) {
            bodyChunk(content);
            return;
        }
        if (reading != null && msg instanceof HttpRequest refused && refused.decoderResult().isFailure()) {
            // The scanner refused the rest of the request in progress (bad chunk, request timeout).
            ReferenceCountUtil.release(msg);
            abortReading(refused.decoderResult().cause());
            return;
        }
        if (!(msg instanceof HttpObject object)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (busy || !queued.isEmpty()) {
            queued.add(object);
            pause(PAUSED_PIPELINING);
            return;
        }
        if (msg instanceof HttpRequest request) {
            start(request);
        } else {
            ReferenceCountUtil.release(msg); // a chunk of no request (after a refused one)
        }
    }

    private void bodyChunk(HttpContent content) {
        RequestBody body = reading;
        if (content.decoderResult().isFailure()) {
            Throwable cause = content.decoderResult().cause();
            content.release();
            abortReading(cause);
            return;
        }
        if (content instanceof LastHttpContent) {
            reading = null;
        }
        body.append(content);
    }

    /** The request being read cannot be read further: its exchange ends, the connection closes. */
    private void abortReading(Throwable cause) {
        RequestBody body = reading;
        reading = null;
        Responder responder = current;
        body.abort();
        if (responder != null && !responder.exchange.responded()) {
            responder.closeAfter = true;
            refuse(responder.exchange, cause, responder.prefix);
        } else {
            ctx.close();
        }
    }

    private void startNext() {
        HttpObject next;
        while ((next = queued.poll()) != null && !(next instanceof HttpRequest)) {
            ReferenceCountUtil.release(next);
        }
        if (next == null) {
            resume(PAUSED_PIPELINING);
            return;
        }
        start((HttpRequest) next);
        // The queued chunks of that request go to its body now; the rest waits its turn.
        while (reading != null && queued.peek() instanceof HttpContent content && !(content instanceof HttpRequest)) {
            queued.poll();
            bodyChunk(content);
        }
        if (queued.isEmpty()) {
            resume(PAUSED_PIPELINING);
        }
    }

    private void start(HttpRequest request) {
        busy = true;
        ServedListener served = config.get();
        String prefix = served.active().http().statPrefix();
        listenerRequests(prefix).incTotal();
        allRequests.incTotal();
        boolean refused = request.decoderResult().isFailure();
        boolean keepAlive = HttpUtil.isKeepAlive(request) && !draining.getAsBoolean() && !refused;
        RequestBody body = new RequestBody(!refused && hasBody(request),
                served.active().http().limits().bodyBufferLimitBytes(), bodyReads);
        Responder responder = new Responder(request, body, keepAlive, prefix, served);
        HttpExchange exchange = new HttpExchange(request, body, served.active(), clusters.clusters(), stats,
                ctx.channel().eventLoop(), responder, ctx.channel().remoteAddress(), overTls(ctx));
        responder.exchange = exchange;
        current = responder;
        if (request instanceof FullHttpRequest full) {
            body.append(full); // the whole request came at once (HTTP/2 END_STREAM on its headers, refusals)
        } else {
            reading = body; // the chunks to come (without a body: only the codec's empty last one, dropped)
        }
        if (refused) {
            refuse(exchange, request.decoderResult().cause(), prefix);
            return;
        }
        ExpectContinue.answer(ctx, request);
        starting = true;
        try {
            new FilterChain(served.filters()).proceed(exchange);
        } catch (RuntimeException e) {
            exchange.localReply(500, null, "internal error");
        } finally {
            starting = false;
        }
    }

    /**
     * Whether a body follows the head: HTTP/1.1 says so with Content-Length or chunked; an HTTP/2
     * request has one unless END_STREAM came with its headers (then it is a FullHttpRequest).
     */
    private static boolean hasBody(HttpRequest request) {
        if (request instanceof FullHttpRequest full) {
            return full.content().isReadable() || !full.trailingHeaders().isEmpty();
        }
        if (HttpUtil.isTransferEncodingChunked(request)) {
            return true;
        }
        String length = request.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null) {
            return !"0".equals(length.strip());
        }
        return request.headers().contains(io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text());
    }

    private final RequestBody.Reads bodyReads = new RequestBody.Reads() {
        @Override
        public void pause() {
            HttpConnectionManagerHandler.this.pause(PAUSED_BODY);
        }

        @Override
        public void resume() {
            HttpConnectionManagerHandler.this.resume(PAUSED_BODY);
        }
    };

    private void pause(int reason) {
        if (pauses == 0) {
            ctx.channel().config().setAutoRead(false);
        }
        pauses |= reason;
    }

    private void resume(int reason) {
        if (pauses == 0) {
            return;
        }
        pauses &= ~reason;
        if (pauses == 0) {
            ctx.channel().config().setAutoRead(true);
            ctx.read();
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
    // never recurse; once one task is queued, the ones after it queue too (their order is kept).
    private void onLoop(Runnable task) {
        if (inline()) {
            task.run();
        } else {
            queue(task);
        }
    }

    /**
     * Whether a response event may run at once (see {@link #onLoop}); the hot callers test it first,
     * so that the usual case allocates no task (lambda allocation showed in the profile).
     */
    private boolean inline() {
        return ctx.executor().inEventLoop() && !starting && queuedTasks.get() == 0;
    }

    private void queue(Runnable task) {
        queuedTasks.incrementAndGet();
        ctx.executor().execute(() -> {
            queuedTasks.decrementAndGet();
            task.run();
        });
    }

    /** The response of one request, written as it streams (the exchange's {@link ResponseSink}). */
    private final class Responder implements ResponseSink {

        private final HttpRequest request;
        private final RequestBody body;
        private final String prefix;
        private final ServedListener served;
        private final HttpVersion version;
        private final boolean headRequest;
        private boolean keepAlive;
        HttpExchange exchange;
        boolean closeAfter;
        private HttpResponse head;
        private long bytesOut;
        boolean over;

        Responder(HttpRequest request, RequestBody body, boolean keepAlive, String prefix, ServedListener served) {
            this.request = request;
            this.body = body;
            this.keepAlive = keepAlive;
            this.prefix = prefix;
            this.served = served;
            this.version = request.protocolVersion();
            this.headRequest = HttpMethod.HEAD.equals(request.method());
        }

        @Override
        public void headers(HttpResponse response) {
            if (inline()) {
                writeHeaders(response);
            } else {
                queue(() -> writeHeaders(response));
            }
        }

        @Override
        public void body(HttpContent chunk) {
            onLoop(() -> {
                if (over || head == null || !ctx.channel().isActive()) {
                    chunk.release();
                    return;
                }
                bytesOut += chunk.content().readableBytes();
                ctx.write(chunk, ctx.voidPromise());
            });
        }

        @Override
        public void end(LastHttpContent last) {
            if (inline()) {
                endNow(last);
            } else {
                queue(() -> endNow(last));
            }
        }

        private void endNow(LastHttpContent last) {
            if (over || head == null) {
                ReferenceCountUtil.release(last);
                return;
            }
            bytesOut += last.content().readableBytes();
            completed(last);
        }

        @Override
        public void flush() {
            if (inline()) {
                if (!over) {
                    ctx.flush();
                }
            } else {
                queue(() -> {
                    if (!over) {
                        ctx.flush();
                    }
                });
            }
        }

        @Override
        public void reset() {
            onLoop(() -> {
                if (over) {
                    return;
                }
                over = true;
                body.abort();
                if (head == null) {
                    // Nothing was sent yet: the exchange answers instead (never here in practice).
                    head = new io.netty.handler.codec.http.DefaultHttpResponse(HttpVersion.HTTP_1_1,
                            HttpResponseStatus.SERVICE_UNAVAILABLE);
                }
                log(head);
                count(head);
                // HTTP/2: RST_STREAM (closing an open stream channel); HTTP/1.1: the connection closes,
                // a chunked or Content-Length body left short, which no client takes for complete.
                ctx.close();
                ended();
            });
        }

        @Override
        public boolean writable() {
            return ctx.channel().isWritable();
        }

        @Override
        public void whenWritable(Runnable action) {
            onLoop(() -> {
                if (ctx.channel().isWritable()) {
                    action.run();
                } else {
                    whenWritable = action;
                }
            });
        }

        private void writeHeaders(HttpResponse response) {
            if (over || head != null) {
                ReferenceCountUtil.release(response);
                return;
            }
            head = response;
            response.setProtocolVersion(version);
            boolean whole = response instanceof FullHttpResponse;
            boolean http2 = ctx.channel() instanceof Http2StreamChannel;
            if (!http2 && !whole && !headRequest && !HttpUtil.isContentLengthSet(response)
                    && mayHaveBody(response.status().code())) {
                if (version.equals(HttpVersion.HTTP_1_0)) {
                    keepAlive = false; // an HTTP/1.0 body of unknown length ends with the connection
                } else {
                    HttpUtil.setTransferEncodingChunked(response, true);
                }
            }
            // HTTP/1.1: a response that starts before its request was read whole (an early answer)
            // ends the connection: the rest of the request cannot be skipped reliably (Envoy's rule).
            boolean requestUnread = !http2 && reading == body && !body.ended();
            keepAlive = keepAlive && !closeAfter && !requestUnread && !draining.getAsBoolean();
            if (!keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            } else if (version.equals(HttpVersion.HTTP_1_0)) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            if (!ctx.channel().isActive()) {
                over = true;
                ReferenceCountUtil.release(response);
                body.release();
                drainQueue();
                return;
            }
            if (whole) {
                bytesOut = ((FullHttpResponse) response).content().readableBytes();
                completed(response);
            } else {
                ctx.write(response, ctx.voidPromise());
            }
        }

        private static boolean mayHaveBody(int status) {
            return status >= 200 && status != 204 && status != 304;
        }

        /** The last of the response (or the whole of it) is written: this request is done. */
        private void completed(Object last) {
            over = true;
            log(head);
            count(head);
            // A request whose body is still coming when its response is complete: HTTP/1.1 cannot
            // skip the rest reliably, so the connection closes (as Envoy does); HTTP/2 drops it.
            boolean requestUnread = reading == body && !body.ended();
            if (requestUnread && !(ctx.channel() instanceof Http2StreamChannel)) {
                keepAlive = false;
                reading = null;
            }
            body.release();
            if (!keepAlive) {
                ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
                drainQueue();
                ended();
                return;
            }
            // Kept alive: no promise per response (a failed write closes the connection anyway).
            ctx.writeAndFlush(last, ctx.voidPromise());
            ended();
            if (!ctx.channel().isWritable()) {
                // A client that does not read its responses: the next request waits until it does (the
                // stream idle timeout closes it if it never does), so responses never pile up here.
                awaitingWritable = true;
                return;
            }
            busy = false;
            startNext();
        }

        private void ended() {
            if (current == this) {
                current = null;
            }
        }

        private void count(HttpResponse response) {
            int status = response.status().code();
            listenerRequests(prefix).incStatus(status);
            allRequests.incStatus(status);
        }

        private void log(HttpResponse response) {
            var log = served.active().http().accessLog(); // no lambda per request: the log is usually off
            if (log.isPresent()) {
                accessLog(log.get().path(), this, response);
            }
        }
    }

    /** One line in Envoy's default format, handed to the writer thread (never blocks the loop). */
    private void accessLog(String path, Responder responder, HttpResponse response) {
        if (accessLogs == null) {
            return;
        }
        HttpRequest request = responder.request;
        HttpExchange exchange = responder.exchange;
        boolean refused = request.decoderResult().isFailure();
        long durationMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - exchange.startNanos());
        var headers = request.headers();
        String originalPath = headers.get("x-envoy-original-path");
        accessLogs.log(path, new AccessLogEntry(Instant.now().minusMillis(durationMillis),
                refused ? null : request.method().name(),
                refused ? null : originalPath != null ? originalPath : request.uri(),
                refused ? null : request.protocolVersion().text(),
                // Envoy logs response code 0 when the client went away before its response (DC).
                response == null || exchange.flags().contains(ResponseFlag.DC) ? 0 : response.status().code(),
                exchange.flags().isEmpty() ? null : String.join(",", exchange.flags().stream().map(Enum::name).toList()),
                responder.body.bytes(),
                responder.bytesOut,
                durationMillis,
                response == null ? null : response.headers().get("x-envoy-upstream-service-time"),
                refused ? null : headers.get("x-forwarded-for"),
                refused ? null : headers.get(HttpHeaderNames.USER_AGENT),
                refused ? null : headers.get("x-request-id"),
                refused ? null : headers.get(HttpHeaderNames.HOST),
                exchange.upstreamHost()));
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (context.channel().isWritable()) {
            Runnable action = whenWritable;
            whenWritable = null;
            if (action != null) {
                action.run();
            }
            if (awaitingWritable) {
                awaitingWritable = false;
                busy = false;
                startNext();
            }
        }
        context.fireChannelWritabilityChanged();
    }

    private void drainQueue() {
        HttpObject left;
        while ((left = queued.poll()) != null) {
            ReferenceCountUtil.release(left);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        drainQueue();
        Responder responder = current;
        current = null;
        if (reading != null) {
            RequestBody body = reading;
            reading = null;
            body.abort();
        }
        if (responder != null) {
            responder.body.abort();
            if (responder.exchange != null) {
                if (!responder.over) {
                    // The client went away before its response was complete: Envoy's DC.
                    responder.over = true;
                    responder.exchange.addFlag(ResponseFlag.DC);
                    stats.inc("http." + responder.prefix + ".downstream_cx_destroy_remote_active_rq");
                    responder.log(null);
                }
                responder.exchange.downstreamGone();
            }
        }
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
        Channel connection = ctx.channel().parent() != null ? ctx.channel().parent() : ctx.channel();
        return connection.pipeline().get(io.netty.handler.ssl.SslHandler.class) != null;
    }
}
