package dev.weft.proxy.http.filter;

import dev.weft.proxy.http.HttpExchange;
import dev.weft.proxy.http.RequestBody;
import dev.weft.proxy.route.ClusterSpecifier;
import dev.weft.proxy.route.HeaderMutation;
import dev.weft.proxy.route.PathRewrite;
import dev.weft.proxy.route.RetryPolicy;
import dev.weft.proxy.route.RouteAction;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** How a downstream request becomes an upstream one and the upstream response a downstream one. */
final class UpstreamRequests {

    private UpstreamRequests() {
    }

    /**
     * Headers of the upstream request are copied from the downstream's, which the codecs validated
     * already: validating every name and value again cost a visible share of the proxy's CPU.
     */
    private static final HttpHeadersFactory TRUSTED = DefaultHttpHeadersFactory.headersFactory().withValidation(false);

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

    /**
     * The upstream request head of one attempt ({@code attempt} counts from 1): rewritten path and
     * Host, hop-by-hop headers gone, the weighted cluster's, route's, virtual host's and route
     * configuration's header mutations applied, {@code x-envoy-attempt-count} when the virtual host
     * asks for it. With {@code wholeBody} (the body arrived and is kept; retained, passed on) it is
     * a whole request with Content-Length; without, a head whose body the caller streams after it
     * (chunked unless the downstream gave a Content-Length); a request without body is a whole one.
     */
    static HttpRequest build(HttpExchange exchange, RouteAction.Forward forward,
            ClusterSpecifier.WeightedCluster target, int attempt, ByteBuf wholeBody) {
        HttpRequest downstream = exchange.request();
        RequestBody body = exchange.body();
        String uri = PathRewrite.apply(downstream.uri(), exchange.route().orElseThrow().match().path(),
                forward.prefixRewrite(), forward.regexRewrite());
        HttpHeaders headers = TRUSTED.newHeaders();
        headers.set(downstream.headers());
        // gRPC needs "te: trailers" end to end (Envoy keeps TE when it is exactly "trailers").
        boolean teTrailers = "trailers".equalsIgnoreCase(downstream.headers().get(HttpHeaderNames.TE));
        stripHopByHop(headers);
        removeAll(headers, HTTP2_EXTENSIONS);
        if (teTrailers) {
            headers.set(HttpHeaderNames.TE, "trailers");
        }
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
            headers.set("x-request-id", randomRequestId());
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
        if (wholeBody != null || !body.present()) {
            boolean trailers = wholeBody != null && !body.trailers().isEmpty();
            DefaultFullHttpRequest whole = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, downstream.method(), uri,
                    wholeBody != null ? wholeBody : io.netty.buffer.Unpooled.EMPTY_BUFFER, headers,
                    trailers ? TRUSTED.newHeaders() : TRUSTED.newEmptyHeaders());
            int length = whole.content().readableBytes();
            if (length > 0 || downstream.headers().contains(HttpHeaderNames.CONTENT_LENGTH)
                    || downstream.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
                headers.setInt(HttpHeaderNames.CONTENT_LENGTH, length);
            } else {
                headers.remove(HttpHeaderNames.CONTENT_LENGTH);
            }
            if (trailers) {
                whole.trailingHeaders().set(body.trailers());
            }
            return whole;
        }
        if (!headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, io.netty.handler.codec.http.HttpHeaderValues.CHUNKED);
        }
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, downstream.method(), uri, headers);
    }

    /**
     * A version 4 UUID from the thread's fast generator: an id, not a secret (Envoy's comes from its
     * own buffered generator too). UUID.randomUUID reads SecureRandom (NativePRNG: a lock and a read
     * of /dev/urandom) for every request, a visible share of the proxy's per-request CPU.
     */
    static String randomRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(high, low).toString();
    }

    /** The upstream response head made a downstream one, in place (no copy of its headers). */
    static HttpResponse downstreamResponse(HttpResponse upstream, long startedNanos) {
        upstream.setProtocolVersion(HttpVersion.HTTP_1_1);
        HttpHeaders headers = upstream.headers();
        stripHopByHop(headers);
        removeAll(headers, HTTP2_EXTENSIONS);
        // Content-Length stays as the upstream sent it (right for HEAD and 304 responses too); a body
        // without it is framed anew by the downstream codec (chunked, or HTTP/2 DATA frames).
        headers.set("x-envoy-upstream-service-time",
                Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos)));
        return upstream;
    }

    // A loop, not forEach(headers::remove): that bound method reference is an allocation per call.
    private static void removeAll(HttpHeaders headers, List<CharSequence> names) {
        for (int i = 0; i < names.size(); i++) {
            headers.remove(names.get(i));
        }
    }

    private static void stripHopByHop(HttpHeaders headers) {
        if (headers.contains(HttpHeaderNames.CONNECTION)) {
            for (String listed : headers.getAll(HttpHeaderNames.CONNECTION)) {
                if (listed.indexOf(',') < 0) {
                    // The usual value (keep-alive or close): one name, no split.
                    String name = listed.strip();
                    if (!name.isEmpty() && !name.equalsIgnoreCase("keep-alive")) { // keep-alive: removed below
                        headers.remove(name);
                    }
                    continue;
                }
                for (String name : listed.split(",")) {
                    if (!name.isBlank()) {
                        headers.remove(name.strip());
                    }
                }
            }
        }
        removeAll(headers, HOP_BY_HOP);
    }
}
