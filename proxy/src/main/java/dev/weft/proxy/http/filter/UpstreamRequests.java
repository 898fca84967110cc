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
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.time.Duration;
import java.util.List;
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

    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final AsciiString HTTPS = AsciiString.cached("https");

    /** Hop-by-hop headers (RFC 9110 7.6.1) never forwarded; Connection's own list is removed too. */
    private static final List<CharSequence> HOP_BY_HOP = List.of(HttpHeaderNames.CONNECTION,
            HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_CONNECTION, HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE,
            HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION);

    private static final AsciiString HTTP2_STREAM_ID = HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text();

    /** Headers Netty's HTTP/2 to HTTP/1.1 conversion adds; never forwarded. */
    private static final List<CharSequence> HTTP2_EXTENSIONS = List.of(
            HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text(), HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(),
            HttpConversionUtil.ExtensionHeaderNames.PATH.text(), HttpConversionUtil.ExtensionHeaderNames.STREAM_DEPENDENCY_ID.text(),
            HttpConversionUtil.ExtensionHeaderNames.STREAM_WEIGHT.text(), HttpConversionUtil.ExtensionHeaderNames.STREAM_PROMISE_ID.text());

    /**
     * The upstream request head of one attempt ({@code attempt} counts from 1), its headers copied
     * from the downstream's (a mirror's copy): see {@link #prepare} and {@link #head}.
     */
    static HttpRequest build(HttpExchange exchange, RouteAction.Forward forward,
            ClusterSpecifier.WeightedCluster target, int attempt, ByteBuf wholeBody) {
        return head(exchange, prepare(exchange, forward, target, false), forward, attempt, wholeBody, false);
    }

    /**
     * The upstream request's headers, made once per forwarded request (as Envoy's router finalizes
     * the request headers once, and every attempt sends them): Host as routing used it (or the
     * route's host_rewrite), hop-by-hop headers gone, x-forwarded-proto, x-request-id (made here if
     * the client sent none), the expected timeout, the weighted cluster's, route's, virtual host's
     * and route configuration's header mutations applied. With {@code inPlace} (and the codec's own
     * header map, which is mutable) the downstream request's headers are changed in place rather
     * than copied: no second map per request (a visible share of the proxy's per-request garbage).
     * What reads the downstream headers afterwards (the access log) sees the upstream's, as in Envoy.
     */
    static Prepared prepare(HttpExchange exchange, RouteAction.Forward forward,
            ClusterSpecifier.WeightedCluster target, boolean inPlace) {
        HttpRequest downstream = exchange.request();
        HttpHeaders from = downstream.headers();
        String uri = PathRewrite.apply(downstream.uri(), exchange.route().orElseThrow().match().path(),
                forward.prefixRewrite(), forward.regexRewrite());
        // Framing as the downstream said it, read before the hop-by-hop headers go.
        boolean framed = from.contains(HttpHeaderNames.CONTENT_LENGTH)
                || from.contains(HttpHeaderNames.TRANSFER_ENCODING);
        // gRPC needs "te: trailers" end to end (Envoy keeps TE when it is exactly "trailers").
        boolean teTrailers = "trailers".equalsIgnoreCase(from.get(HttpHeaderNames.TE));
        // One Host, the one routing used: an HTTP/2 request's :authority wins over a "host" header
        // it also carried (RFC 9113 8.3.1), never both upstream.
        String authority = from.get(HttpHeaderNames.HOST);
        // Netty's own map is mutable; another implementation (a codec's view) is copied, never changed.
        boolean mutable = from instanceof DefaultHttpHeaders;
        if (mutable && !from.contains(X_REQUEST_ID)) {
            // On the downstream request, as Envoy's connection manager does: the access log and a
            // mirror's copy carry the same id as the upstream request.
            from.set(X_REQUEST_ID, randomRequestId());
        }
        HttpHeaders headers;
        if (inPlace && mutable) {
            headers = from;
        } else {
            headers = TRUSTED.newHeaders();
            headers.set(from);
        }
        if (!headers.contains(X_REQUEST_ID)) {
            headers.set(X_REQUEST_ID, randomRequestId());
        }
        stripHopByHop(headers);
        removeHttp2Extensions(headers);
        if (teTrailers) {
            headers.set(HttpHeaderNames.TE, "trailers");
        }
        if (authority != null) {
            headers.set(HttpHeaderNames.HOST, authority);
        }
        if (forward.hostRewrite() != null) {
            headers.set(HttpHeaderNames.HOST, forward.hostRewrite());
        }
        headers.set(X_FORWARDED_PROTO, exchange.secure() ? HTTPS : HTTP);
        Duration expected = forward.retryPolicy().map(RetryPolicy::perTryTimeout).filter(t -> !t.isZero())
                .orElse(forward.timeout());
        if (!expected.isZero()) {
            headers.set("x-envoy-expected-rq-timeout-ms", Long.toString(expected.toMillis()));
        }
        target.requestHeaders().applyTo(headers);
        HeaderMutation.applyAll(exchange.route().orElseThrow().requestHeaders(), headers);
        return new Prepared(uri, headers, framed);
    }

    /**
     * The upstream request's headers and target, made by {@link #prepare}.
     *
     * @param framed the downstream request had Content-Length or Transfer-Encoding
     */
    record Prepared(String uri, HttpHeaders headers, boolean framed) {
    }

    /**
     * The head of one attempt ({@code attempt} counts from 1) with the prepared headers ({@code own}:
     * the head may take them as they are, the first attempt's; a retry, a resend or a mirror copies
     * them, so that an earlier attempt's head is never changed under its encoder), and
     * {@code x-envoy-attempt-count} when the virtual host asks for it. With {@code wholeBody} (the
     * body arrived and is kept; retained, passed on) it is a whole request with Content-Length;
     * without, a head whose body the caller streams after it (chunked unless the downstream gave a
     * Content-Length); a request without body is a whole one.
     */
    static HttpRequest head(HttpExchange exchange, Prepared prepared, RouteAction.Forward forward, int attempt,
            ByteBuf wholeBody, boolean own) {
        HttpRequest downstream = exchange.request();
        RequestBody body = exchange.body();
        HttpHeaders headers;
        if (own) {
            headers = prepared.headers();
        } else {
            headers = TRUSTED.newHeaders();
            headers.set(prepared.headers());
        }
        if (forward.attemptCount().inRequest()) {
            headers.set("x-envoy-attempt-count", Integer.toString(attempt));
        }
        if (wholeBody != null || !body.present()) {
            boolean trailers = wholeBody != null && !body.trailers().isEmpty();
            DefaultFullHttpRequest whole = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, downstream.method(),
                    prepared.uri(), wholeBody != null ? wholeBody : io.netty.buffer.Unpooled.EMPTY_BUFFER, headers,
                    trailers ? TRUSTED.newHeaders() : EmptyHttpHeaders.INSTANCE); // none: shared, nothing made
            int length = whole.content().readableBytes();
            headers.remove(HttpHeaderNames.TRANSFER_ENCODING); // an earlier attempt may have streamed it chunked
            if (length > 0 || prepared.framed()) {
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
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, downstream.method(), prepared.uri(), headers);
    }

    /**
     * A version 4 UUID from the thread's fast generator: an id, not a secret (Envoy's comes from its
     * own buffered generator too). UUID.randomUUID reads SecureRandom (NativePRNG: a lock and a read
     * of /dev/urandom) for every request, a visible share of the proxy's per-request CPU. Written
     * straight into the bytes of an AsciiString (what the encoder copies out fastest): no UUID and
     * String per request.
     */
    static AsciiString randomRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        byte[] id = new byte[36];
        hex(high >>> 32, 8, id, 0);
        id[8] = '-';
        hex(high >>> 16, 4, id, 9);
        id[13] = '-';
        hex(high, 4, id, 14);
        id[18] = '-';
        hex(low >>> 48, 4, id, 19);
        id[23] = '-';
        hex(low, 12, id, 24);
        return new AsciiString(id, false);
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** The low {@code digits} hex digits of {@code value} into {@code to} at {@code at}, most significant first. */
    private static void hex(long value, int digits, byte[] to, int at) {
        for (int i = digits - 1; i >= 0; i--) {
            to[at + i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
    }

    /** The upstream response head made a downstream one, in place (no copy of its headers). */
    static HttpResponse downstreamResponse(HttpResponse upstream, long startedNanos) {
        upstream.setProtocolVersion(HttpVersion.HTTP_1_1);
        HttpHeaders headers = upstream.headers();
        stripHopByHop(headers);
        removeHttp2Extensions(headers);
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

    // Netty's HTTP/2 conversion always adds the stream id: without it, none of them is there (one
    // look-up rather than six removals per message).
    private static void removeHttp2Extensions(HttpHeaders headers) {
        if (headers.contains(HTTP2_STREAM_ID)) {
            removeAll(headers, HTTP2_EXTENSIONS);
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
