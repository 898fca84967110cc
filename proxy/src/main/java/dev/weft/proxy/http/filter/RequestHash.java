package dev.weft.proxy.http.filter;

import dev.weft.proxy.http.HttpExchange;
import dev.weft.proxy.route.HashPolicy;
import dev.weft.proxy.upstream.XxHash64;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.OptionalLong;

/**
 * A request's hash from the route's {@code hash_policy} list (Envoy's HashPolicyImpl): each policy
 * that finds its input adds its xxHash64 (the running hash rotated left by one, then XORed); a
 * terminal policy that produced a hash ends the list. A cookie policy with a TTL makes the cookie up
 * when the request has none, and sets it on the response.
 */
final class RequestHash {

    private RequestHash() {
    }

    static OptionalLong compute(List<HashPolicy> policies, HttpExchange exchange) {
        Long hash = null;
        for (HashPolicy policy : policies) {
            Long one = hashOf(policy, exchange);
            if (one == null) {
                continue;
            }
            hash = hash == null ? one : Long.rotateLeft(hash, 1) ^ one;
            if (policy.terminal()) {
                break;
            }
        }
        return hash == null ? OptionalLong.empty() : OptionalLong.of(hash);
    }

    private static Long hashOf(HashPolicy policy, HttpExchange exchange) {
        return switch (policy) {
            case HashPolicy.Header header -> {
                List<String> values = exchange.view().headerValues(header.name());
                if (values.isEmpty()) {
                    yield null;
                }
                // Several values: Envoy hashes each and combines them in sorted order.
                long h = 0;
                for (String value : values.stream().sorted().toList()) {
                    h ^= XxHash64.hash(value);
                }
                yield h;
            }
            case HashPolicy.QueryParameter query -> {
                List<String> values = exchange.view().queryValues(query.name());
                yield values.isEmpty() ? null : XxHash64.hash(values.getFirst());
            }
            case HashPolicy.SourceIp sourceIp -> exchange.remoteAddress() instanceof InetSocketAddress address
                    && address.getAddress() != null ? XxHash64.hash(address.getAddress().getHostAddress()) : null;
            case HashPolicy.Cookie cookie -> cookieHash(cookie, exchange);
        };
    }

    private static Long cookieHash(HashPolicy.Cookie policy, HttpExchange exchange) {
        for (String header : exchange.request().headers().getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(header)) {
                if (cookie.name().equals(policy.name())) {
                    return XxHash64.hash(cookie.value());
                }
            }
        }
        if (policy.ttl() == null) {
            return null;
        }
        // Envoy's generated value: a hash of the client's address and this moment, in hex; the
        // request is hashed by that value, as its next requests will be.
        String seed = String.valueOf(exchange.remoteAddress()) + System.nanoTime();
        String value = Long.toHexString(XxHash64.hash(seed));
        exchange.onResponseHeaders(headers -> headers.add(HttpHeaderNames.SET_COOKIE, setCookie(policy, value)));
        return XxHash64.hash(value);
    }

    /** Envoy's makeSetCookieValue: quoted value, Max-Age, Path, attributes, HttpOnly. */
    static String setCookie(HashPolicy.Cookie policy, String value) {
        StringBuilder out = new StringBuilder(policy.name()).append("=\"").append(value).append('"');
        if (!policy.ttl().isZero()) {
            out.append("; Max-Age=").append(policy.ttl().toSeconds());
        }
        if (!policy.path().isEmpty()) {
            out.append("; Path=").append(policy.path());
        }
        for (HashPolicy.CookieAttribute attribute : policy.attributes()) {
            out.append("; ").append(attribute.name());
            if (!attribute.value().isEmpty()) {
                out.append('=').append(attribute.value());
            }
        }
        return out.append("; HttpOnly").toString();
    }
}
