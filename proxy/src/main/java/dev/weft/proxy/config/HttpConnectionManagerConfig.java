package dev.weft.proxy.config;

import dev.weft.proxy.http.filter.HttpFilterConfig;
import java.time.Duration;
import java.util.List;

/**
 * Envoy's {@code HttpConnectionManager} as this proxy uses it.
 *
 * @param statPrefix          prefix of its stats
 * @param routes              RDS name or inline route table
 * @param httpFilters         the HTTP filters in order; the router is last
 * @param stripAnyHostPort    {@code strip_any_host_port}: match virtual hosts on the Host without port
 * @param maxRequestHeadersKb {@code max_request_headers_kb} (Envoy's default 60)
 * @param requestTimeout      {@code request_timeout}; zero = none
 * @param streamIdleTimeout   {@code stream_idle_timeout} (Envoy's default 5 min); zero = none
 * @param upgradeTypes        {@code upgrade_configs} that are enabled, lower case ("websocket")
 * @param http2               {@code http2_protocol_options}: settings and flood limits of HTTP/2 connections
 * @param allowAbsoluteUrl    {@code http_protocol_options.allow_absolute_url}: absolute-form request
 *                            targets ({@code GET http://reviews:9080/r}) are taken as a forward proxy
 *                            takes them (Istio's HTTP_PROXY listener); see {@code http.AbsoluteUrlHandler}
 */
public record HttpConnectionManagerConfig(
        String statPrefix,
        RouteSource routes,
        List<HttpFilterConfig> httpFilters,
        boolean stripAnyHostPort,
        int maxRequestHeadersKb,
        Duration requestTimeout,
        Duration streamIdleTimeout,
        java.util.Set<String> upgradeTypes,
        Http2Options http2,
        boolean allowAbsoluteUrl) implements NetworkFilterConfig {

    public HttpConnectionManagerConfig {
        httpFilters = List.copyOf(httpFilters);
        upgradeTypes = java.util.Set.copyOf(upgradeTypes);
    }

    /** Without upgrades, with Envoy's (downstream) HTTP/2 defaults. */
    public HttpConnectionManagerConfig(String statPrefix, RouteSource routes, List<HttpFilterConfig> httpFilters,
            boolean stripAnyHostPort, int maxRequestHeadersKb, Duration requestTimeout, Duration streamIdleTimeout) {
        this(statPrefix, routes, httpFilters, stripAnyHostPort, maxRequestHeadersKb, requestTimeout, streamIdleTimeout,
                java.util.Set.of());
    }

    /** With Envoy's (downstream) HTTP/2 defaults, without absolute URLs. */
    public HttpConnectionManagerConfig(String statPrefix, RouteSource routes, List<HttpFilterConfig> httpFilters,
            boolean stripAnyHostPort, int maxRequestHeadersKb, Duration requestTimeout, Duration streamIdleTimeout,
            java.util.Set<String> upgradeTypes) {
        this(statPrefix, routes, httpFilters, stripAnyHostPort, maxRequestHeadersKb, requestTimeout, streamIdleTimeout,
                upgradeTypes, Http2Options.DOWNSTREAM, false);
    }

    /** Whether {@code upgrade_configs} allows WebSocket. */
    public boolean websocket() {
        return upgradeTypes.contains("websocket");
    }
}
