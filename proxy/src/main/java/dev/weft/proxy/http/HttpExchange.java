package dev.weft.proxy.http;

import dev.weft.proxy.config.ActiveListener;
import dev.weft.proxy.route.RequestView;
import dev.weft.proxy.route.Route;
import dev.weft.proxy.route.VirtualHost;
import dev.weft.proxy.stats.ProxyStats;
import dev.weft.proxy.upstream.UpstreamCluster;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One downstream request on its way through the filter chain: its head (routing and filters work
 * on headers only) and its {@link RequestBody}, which streams. It holds the configuration the
 * request started with (listener, routes, clusters), so a configuration swap never changes a
 * request halfway. Exactly one response is sent: the first of {@link #respond},
 * {@link #respondHeaders} (a streamed response: then {@link #sendBody}, {@link #endResponse} or
 * {@link #resetResponse}) or {@link #localReply} wins, later ones are dropped.
 */
public final class HttpExchange {

    private final HttpRequest request;
    private final RequestBody body;
    private final RequestView view;
    private final ActiveListener listener;
    private final Map<String, UpstreamCluster> clusters;
    private final Optional<VirtualHost> virtualHost;
    private final Optional<Route> route;
    private final ProxyStats stats;
    private final EventLoop eventLoop;
    private final ResponseSink sink;
    private Runnable firstDownstreamGone;
    private List<Runnable> downstreamGone;
    private final AtomicBoolean responded = new AtomicBoolean();
    /** Made at the first flag (most requests get none). */
    private Set<ResponseFlag> flags;
    private final long startNanos = System.nanoTime();
    private volatile String upstreamHost;
    private final SocketAddress remoteAddress;
    /** Made at the first hook (most requests get none). */
    private List<Consumer<HttpHeaders>> responseHeaderHooks;
    private final boolean secure;
    /** Read when the request arrives: the router may take its headers as the upstream's (and strip Netty's marks). */
    private final boolean downstreamHttp2;

    /** @param secure the request arrived over TLS (x-forwarded-proto https; no require_tls redirect) */
    HttpExchange(HttpRequest request, RequestBody body, ActiveListener listener, Map<String, UpstreamCluster> clusters,
            ProxyStats stats, EventLoop eventLoop, ResponseSink sink, SocketAddress remoteAddress, boolean secure) {
        this.remoteAddress = remoteAddress;
        this.secure = secure;
        this.request = request;
        this.body = body;
        this.view = new NettyRequestView(request);
        this.downstreamHttp2 = request.headers().contains(
                io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text());
        this.listener = listener;
        this.clusters = clusters;
        this.stats = stats;
        this.eventLoop = eventLoop;
        this.sink = sink;
        // Looked up once: the TLS redirect check and routing both need it.
        this.virtualHost = listener.routes().virtualHost(view, listener.http().stripAnyHostPort());
        this.route = virtualHost.isPresent() ? virtualHost.get().route(view) : Optional.empty();
    }

    /** The downstream request's head (its body is {@link #body()}). */
    public HttpRequest request() {
        return request;
    }

    /** The request body as it streams in. */
    public RequestBody body() {
        return body;
    }

    public RequestView view() {
        return view;
    }

    /** Whether the downstream connection is TLS. */
    public boolean secure() {
        return secure;
    }

    /** The virtual host requires TLS and the request came in plaintext: it gets a redirect to https. */
    public boolean needsTlsRedirect() {
        return !secure && virtualHost.isPresent() && virtualHost.get().requireTls();
    }

    /** The route selected for the request when it arrived (empty: no virtual host or route matched). */
    public Optional<Route> route() {
        return route;
    }

    /** Whether the request arrived over HTTP/2 (a stream converted by Netty, which marks it). */
    public boolean downstreamHttp2() {
        return downstreamHttp2;
    }

    public Optional<UpstreamCluster> cluster(String name) {
        return Optional.ofNullable(clusters.get(name));
    }

    public ProxyStats stats() {
        return stats;
    }

    public String statPrefix() {
        return listener.http().statPrefix();
    }

    /** The downstream connection's event loop: where timers of this request run. */
    public EventLoop eventLoop() {
        return eventLoop;
    }

    public long startNanos() {
        return startNanos;
    }

    /** The upstream host ({@code ip:port}) the router sent the request to (the access log's %UPSTREAM_HOST%). */
    public void upstreamHost(String hostAndPort) {
        this.upstreamHost = hostAndPort;
    }

    /** The upstream host the request went to, or null. */
    public String upstreamHost() {
        return upstreamHost;
    }

    /** The downstream peer (null when unknown). */
    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    /**
     * Runs {@code hook} on the headers of the response, whichever it is (upstream or local reply), just
     * before it is sent: how a filter changes responses (Envoy's encodeHeaders), e.g. CORS headers.
     * Hooks run in the reverse order of registration, as encoder filters do.
     */
    public synchronized void onResponseHeaders(Consumer<HttpHeaders> hook) {
        if (responseHeaderHooks == null) {
            responseHeaderHooks = new ArrayList<>(2);
        }
        responseHeaderHooks.add(hook);
    }

    public synchronized void addFlag(ResponseFlag flag) {
        if (flags == null) {
            flags = EnumSet.noneOf(ResponseFlag.class);
        }
        flags.add(flag);
    }

    public synchronized Set<ResponseFlag> flags() {
        return flags == null ? EnumSet.noneOf(ResponseFlag.class) : EnumSet.copyOf(flags);
    }

    public boolean responded() {
        return responded.get();
    }

    /** Sends a whole response (its reference passes to the exchange); false if one was already sent. */
    public boolean respond(FullHttpResponse response) {
        return respondHeaders(response);
    }

    /**
     * Starts the response with its head (a {@code FullHttpResponse}: the whole response), after the
     * response header hooks ran on it; false (and released) if a response was already started.
     * A streamed response goes on with {@link #sendBody} and ends with {@link #endResponse}.
     */
    public boolean respondHeaders(HttpResponse head) {
        if (!responded.compareAndSet(false, true)) {
            ReferenceCountUtil.release(head);
            return false;
        }
        List<Consumer<HttpHeaders>> hooks;
        synchronized (this) {
            hooks = responseHeaderHooks == null ? List.of() : List.copyOf(responseHeaderHooks);
        }
        for (int i = hooks.size() - 1; i >= 0; i--) {
            hooks.get(i).accept(head.headers());
        }
        sink.headers(head);
        return true;
    }

    /** A chunk of the response started by {@link #respondHeaders} (reference passes). */
    public void sendBody(HttpContent chunk) {
        sink.body(chunk);
    }

    /** The response's last chunk and trailers (reference passes). */
    public void endResponse(LastHttpContent last) {
        sink.end(last);
    }

    public void flushResponse() {
        sink.flush();
    }

    /** The response cannot be completed (upstream reset or timeout midway): the downstream is reset. */
    public void resetResponse(ResponseFlag flag) {
        if (flag != null) {
            addFlag(flag);
        }
        sink.reset();
    }

    /** Whether the downstream takes more response now. */
    public boolean downstreamWritable() {
        return sink.writable();
    }

    /** Runs {@code action} once the downstream takes more again. */
    public void whenDownstreamWritable(Runnable action) {
        sink.whenWritable(action);
    }

    /** Runs {@code action} if the downstream goes away (closed, reset) before the exchange ends. */
    public synchronized void onDownstreamGone(Runnable action) {
        if (firstDownstreamGone == null && downstreamGone == null) {
            firstDownstreamGone = action; // the usual one (the router's): no list for it
            return;
        }
        if (downstreamGone == null) {
            downstreamGone = new ArrayList<>(2);
        }
        downstreamGone.add(action);
    }

    /** The downstream went away: whatever still works for this exchange stops. */
    void downstreamGone() {
        Runnable first;
        List<Runnable> actions;
        synchronized (this) {
            first = firstDownstreamGone;
            actions = downstreamGone;
            firstDownstreamGone = null;
            downstreamGone = null;
        }
        responded.set(true);
        if (first != null) {
            first.run();
        }
        if (actions != null) {
            actions.forEach(Runnable::run);
        }
    }

    /**
     * A response made by the proxy itself, as Envoy's local replies: text/plain body (for a gRPC
     * request: HTTP 200 with the matching grpc-status and the body as grpc-message), the response
     * flag recorded (and shown in {@code x-weft-response-flags} so a client can tell why).
     */
    public boolean localReply(int status, ResponseFlag flag, String body) {
        return localReply(status, flag, body, Map.of());
    }

    /** A local reply with extra headers (e.g. {@code location} of a redirect). */
    public boolean localReply(int status, ResponseFlag flag, String body, Map<String, String> headers) {
        if (flag != null) {
            addFlag(flag);
            stats.inc("http." + statPrefix() + ".rs_flag." + flag.name());
        }
        FullHttpResponse response;
        if (Grpc.isGrpc(request.headers())) {
            // A gRPC client reads only grpc-status: HTTP 200, trailers-only (Envoy's local reply for gRPC).
            response = Grpc.localReply(status, body);
        } else {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(status), Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        }
        response.headers().set(HttpHeaderNames.SERVER, "weft");
        headers.forEach(response.headers()::set);
        Set<ResponseFlag> all = flags();
        if (!all.isEmpty()) {
            response.headers().set("x-weft-response-flags",
                    String.join(",", all.stream().map(Enum::name).toList()));
        }
        return respond(response);
    }
}
