package dev.weft.proxy.http.filter;

import dev.weft.proxy.http.HttpExchange;
import dev.weft.proxy.route.PathMatcher;
import dev.weft.proxy.route.RouteAction;
import dev.weft.proxy.upstream.UpstreamHost;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
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

    static FullHttpRequest build(HttpExchange exchange, RouteAction.Forward forward, UpstreamHost host) {
        FullHttpRequest downstream = exchange.request();
        String uri = rewrite(downstream.uri(), exchange, forward);
        FullHttpRequest upstream = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, downstream.method(), uri,
                downstream.content().retainedDuplicate());
        HttpHeaders headers = upstream.headers();
        headers.set(downstream.headers());
        stripHopByHop(headers);
        if (forward.hostRewrite() != null) {
            headers.set(HttpHeaderNames.HOST, forward.hostRewrite());
        }
        headers.set("x-forwarded-proto", exchange.secure() ? "https" : "http");
        if (!headers.contains("x-request-id")) {
            headers.set("x-request-id", UUID.randomUUID().toString());
        }
        if (!forward.timeout().isZero()) {
            headers.set("x-envoy-expected-rq-timeout-ms", Long.toString(forward.timeout().toMillis()));
        }
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, upstream.content().readableBytes());
        if (upstream.content().readableBytes() == 0 && !downstream.headers().contains(HttpHeaderNames.CONTENT_LENGTH)
                && !downstream.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        return upstream;
    }

    /** {@code prefix_rewrite}: the part of the path the route's prefix matched is replaced. */
    private static String rewrite(String uri, HttpExchange exchange, RouteAction.Forward forward) {
        if (forward.prefixRewrite() == null) {
            return uri;
        }
        PathMatcher matcher = exchange.route().orElseThrow().match().path();
        int matchedLength = switch (matcher) {
            case PathMatcher.Prefix prefix -> prefix.prefix().length();
            case PathMatcher.SeparatedPrefix prefix -> prefix.prefix().length();
            case PathMatcher.Exact exact -> exact.path().length();
            case PathMatcher.Regex regex -> -1;
        };
        if (matchedLength < 0 || matchedLength > uri.length()) {
            return uri;
        }
        return forward.prefixRewrite() + uri.substring(matchedLength);
    }

    static FullHttpResponse downstreamResponse(FullHttpResponse upstream, long startedNanos) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, upstream.status(),
                upstream.content(), upstream.headers(), upstream.trailingHeaders());
        stripHopByHop(response.headers());
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
