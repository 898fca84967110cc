package dev.weft.proxy.http.filter;

import dev.weft.proxy.http.FilterChain;
import dev.weft.proxy.http.HttpExchange;
import dev.weft.proxy.route.StringMatcher;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Envoy's CORS filter with the route's (or virtual host's) policy: a request with an allowed
 * Origin is a CORS request; a preflight (OPTIONS with Access-Control-Request-Method) is answered
 * here with 200 and the allow-* headers; any other CORS request goes on, and its response gets
 * {@code access-control-allow-origin} (the Origin itself), credentials and expose headers. Requests
 * without a policy, without Origin, or from an origin not allowed pass untouched (a preflight of
 * the latter is answered 200 without CORS headers when {@code forward_not_matching_preflights} is
 * false). Stats: {@code http.<prefix>.cors.origin_valid} / {@code origin_invalid}.
 */
final class CorsFilter implements HttpFilter {

    private final String name;

    CorsFilter(String name) {
        this.name = name;
    }

    @Override
    public void onRequest(HttpExchange exchange, FilterChain chain) {
        // Plain code, no Optional chain: this runs for every request of every listener Istio gives
        // the filter, and most routes have no policy (their lambdas and Optionals were garbage).
        var route = exchange.route();
        CorsConfig.Policy policy = route.isPresent()
                && route.get().filterOverrides().get(name) instanceof CorsConfig config
                ? config.policy().orElse(null) : null;
        if (policy == null) {
            chain.proceed(exchange);
            return;
        }
        String origin = exchange.request().headers().get(HttpHeaderNames.ORIGIN);
        if (origin == null || origin.isEmpty() || !policy.enabled().hit(ThreadLocalRandom.current())) {
            chain.proceed(exchange);
            return;
        }
        boolean preflight = exchange.request().method().equals(HttpMethod.OPTIONS)
                && exchange.request().headers().contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
        String stats = "http." + exchange.statPrefix() + ".cors.";
        if (!allowed(policy, origin)) {
            exchange.stats().inc(stats + "origin_invalid");
            if (preflight && !policy.forwardNotMatchingPreflights()) {
                exchange.respond(emptyOk());
                return;
            }
            chain.proceed(exchange);
            return;
        }
        exchange.stats().inc(stats + "origin_valid");
        if (preflight) {
            FullHttpResponse response = emptyOk();
            HttpHeaders headers = response.headers();
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            if (policy.allowCredentials()) {
                headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
            }
            setIfAny(headers, HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, policy.allowMethods());
            setIfAny(headers, HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, policy.allowHeaders());
            setIfAny(headers, HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, policy.maxAge());
            exchange.respond(response);
            return;
        }
        exchange.onResponseHeaders(headers -> {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            if (policy.allowCredentials()) {
                headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
            }
            setIfAny(headers, HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, policy.exposeHeaders());
        });
        chain.proceed(exchange);
    }

    static boolean allowed(CorsConfig.Policy policy, String origin) {
        for (StringMatcher matcher : policy.allowOrigins()) {
            if (matcher instanceof StringMatcher.Exact exact && exact.value().equals("*") || matcher.matches(origin)) {
                return true;
            }
        }
        return false;
    }

    private static void setIfAny(HttpHeaders headers, CharSequence name, String value) {
        if (!value.isEmpty()) {
            headers.set(name, value);
        }
    }

    private static FullHttpResponse emptyOk() {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.EMPTY_BUFFER);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }
}
