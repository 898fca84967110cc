package dev.weft.proxy.config;

import dev.weft.proxy.http.filter.HttpFilterConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Envoy's {@code HttpConnectionManager} as this proxy uses it.
 *
 * @param statPrefix          prefix of its stats
 * @param routes              RDS name or inline route table
 * @param httpFilters         the HTTP filters in order; the router is last
 * @param stripAnyHostPort    {@code strip_any_host_port}: match virtual hosts on the Host without port
 * @param limits              header size/count, body size and timeouts ({@code max_request_headers_kb},
 *                            {@code request_timeout}, {@code request_headers_timeout}, {@code stream_idle_timeout},
 *                            {@code common_http_protocol_options}), defaults where unset
 * @param accessLog           the file access log, if the HCM has one
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
        ProxyLimits.Http limits,
        Optional<AccessLogConfig> accessLog,
        java.util.Set<String> upgradeTypes,
        Http2Options http2,
        boolean allowAbsoluteUrl) implements NetworkFilterConfig {

    public HttpConnectionManagerConfig {
        httpFilters = List.copyOf(httpFilters);
        upgradeTypes = java.util.Set.copyOf(upgradeTypes);
    }

    /** Whether {@code upgrade_configs} allows WebSocket. */
    public boolean websocket() {
        return upgradeTypes.contains("websocket");
    }

    /** Default limits except the three named; no access log, no upgrades, HTTP/2 defaults, no absolute URLs. */
    public HttpConnectionManagerConfig(String statPrefix, RouteSource routes, List<HttpFilterConfig> httpFilters,
            boolean stripAnyHostPort, int maxRequestHeadersKb, Duration requestTimeout, Duration streamIdleTimeout) {
        this(statPrefix, routes, httpFilters, stripAnyHostPort, new ProxyLimits.Http(
                ProxyLimits.Http.DEFAULTS.maxRequestLineBytes(), maxRequestHeadersKb,
                ProxyLimits.Http.DEFAULTS.maxHeadersCount(), ProxyLimits.Http.DEFAULTS.bodyBufferLimitBytes(),
                ProxyLimits.Http.DEFAULTS.requestHeadersTimeout(), requestTimeout, ProxyLimits.Http.DEFAULTS.idleTimeout(),
                streamIdleTimeout), Optional.empty(), java.util.Set.of(), Http2Options.DOWNSTREAM, false);
    }
}
