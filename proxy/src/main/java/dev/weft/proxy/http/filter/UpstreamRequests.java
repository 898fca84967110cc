package dev.weft.proxy.http.filter;

import dev.weft.proxy.http.HttpExchange;
import dev.weft.proxy.route.ClusterSpecifier;
import dev.weft.proxy.route.HeaderMutation;
import dev.weft.proxy.route.PathRewrite;
import dev.weft.proxy.route.RetryPolicy;
import dev.weft.proxy.route.RouteAction;
import dev.weft.proxy.upstream.UpstreamHost;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** How a downstream request becomes an upstream one and the upstream response a downstream one. */
final class UpstreamRequests {

    private UpstreamRequests() {
    }

    /** Hop-by-hop headers (RFC 9110 7.6.1) never forwarded; Connection's own list is removed too. */
    private static final List<CharSequence> HOP_BY_HOP = List.of(HttpHeaderNames.CONNECTION,
            HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_CONNECTION, HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE,
            HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION);

    /** Headers Netty's HTTP/2 to HTTP/1.1 conversion adds; never forwarded. */
    private static final List<CharSequence> HTTP2_EXTENSIONS = List.of(
            HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text(), HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(),
            HttpConversionUtil.ExtensionHeaderNames.PATH.text(), HttpConversionUtil.ExtensionHeaderNames.STREAM_DEPENDENCY_ID.text(),
            HttpConversionUtil.ExtensionHeaderNames.STREAM_WEIGHT.text(), HttpConversionUtil.ExtensionHeaderNames.STREAM_PROMISE_ID.text());

    static FullHttpRequest build(HttpExchange exchange, RouteAction.Forward forward, UpstreamHost host) {
        return build(exchange, forward, ClusterSpecifier.WeightedCluster.of(forward), 1);
    }

    /**
     * The upstream request of one attempt ({@code attempt} counts from 1): rewritten path and Host,
     * hop-by-hop headers gone, the weighted cluster's, route's, virtual host's and route
     * configuration's header mutations applied, {@code x-envoy-attempt-count} when the virtual host
     * asks for it.
     */
    static FullHttpRequest build(HttpExchange exchange, RouteAction.Forward forward,
            ClusterSpecifier.WeightedCluster target, int attempt) {
        FullHttpRequest downstream = exchange.request();
        String uri = PathRewrite.apply(downstream.uri(), exchange.route().orElseThrow().match().path(),
                forward.prefixRewrite(), forward.regexRewrite());
        FullHttpRequest upstream = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, downstream.method(), uri,
                downstream.content().retainedDuplicate());
        HttpHeaders headers = upstream.headers();
        headers.set(downstream.headers());
        // gRPC needs "te: trailers" end to end (Envoy keeps TE when it is exactly "trailers").
        boolean teTrailers = "trailers".equalsIgnoreCase(downstream.headers().get(HttpHeaderNames.TE));
        stripHopByHop(headers);
        HTTP2_EXTENSIONS.forEach(headers::remove);
        if (teTrailers) {
            headers.set(HttpHeaderNames.TE, "trailers");
        }
        upstream.trailingHeaders().set(downstream.trailingHeaders());
        // One Host, the one routing used: an HTTP/2 request's :authority wins over a "host" header
        // it also carried (RFC 9113 8.3.1), never both upstream.
        String authority = downstream.headers().get(HttpHeaderNames.HOST);
        if (authority != null) {
            headers.set(HttpHeaderNames.HOST, authority);
        }
        if (forward.hostRewrite() != null) {
            headers.set(HttpHeaderNames.HOST, forward.hostRewrite());
        }
        headers.set("x-forwarded-proto", exchange.secure() ? "https" : "http");
        if (!headers.contains("x-request-id")) {
            headers.set("x-request-id", UUID.randomUUID().toString());
        }
        Duration expected = forward.retryPolicy().map(RetryPolicy::perTryTimeout).filter(t -> !t.isZero())
                .orElse(forward.timeout());
        if (!expected.isZero()) {
            headers.set("x-envoy-expected-rq-timeout-ms", Long.toString(expected.toMillis()));
        }
        target.requestHeaders().applyTo(headers);
        HeaderMutation.applyAll(exchange.route().orElseThrow().requestHeaders(), headers);
        if (forward.attemptCount().inRequest()) {
            headers.set("x-envoy-attempt-count", Integer.toString(attempt));
        }
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, upstream.content().readableBytes());
        if (upstream.content().readableBytes() == 0 && !downstream.headers().contains(HttpHeaderNames.CONTENT_LENGTH)
                && !downstream.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        return upstream;
    }

    static FullHttpResponse downstreamResponse(FullHttpResponse upstream, long startedNanos) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, upstream.status(),
                upstream.content(), upstream.headers(), upstream.trailingHeaders());
        stripHopByHop(response.headers());
        HTTP2_EXTENSIONS.forEach(response.headers()::remove);
        // Content-Length stays as the aggregator left it (right for HEAD and 304 responses too).
        response.headers().set("x-envoy-upstream-service-time",
                Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos)));
        return response;
    }

    private static void stripHopByHop(HttpHeaders headers) {
        for (String listed : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String name : listed.split(",")) {
                if (!name.isBlank()) {
                    headers.remove(name.strip());
                }
            }
        }
        HOP_BY_HOP.forEach(headers::remove);
    }
}
