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
 */
public record HttpConnectionManagerConfig(
        String statPrefix,
        RouteSource routes,
        List<HttpFilterConfig> httpFilters,
        boolean stripAnyHostPort,
        ProxyLimits.Http limits,
        Optional<AccessLogConfig> accessLog,
        java.util.Set<String> upgradeTypes) implements NetworkFilterConfig {

    public HttpConnectionManagerConfig {
        httpFilters = List.copyOf(httpFilters);
        upgradeTypes = java.util.Set.copyOf(upgradeTypes);
    }

    /** Whether {@code upgrade_configs} allows WebSocket. */
    public boolean websocket() {
        return upgradeTypes.contains("websocket");
    }

    /** Default limits except the three named; no access log, no upgrades. */
    public HttpConnectionManagerConfig(String statPrefix, RouteSource routes, List<HttpFilterConfig> httpFilters,
            boolean stripAnyHostPort, int maxRequestHeadersKb, Duration requestTimeout, Duration streamIdleTimeout) {
        this(statPrefix, routes, httpFilters, stripAnyHostPort, new ProxyLimits.Http(
                ProxyLimits.Http.DEFAULTS.maxRequestLineBytes(), maxRequestHeadersKb,
                ProxyLimits.Http.DEFAULTS.maxHeadersCount(), ProxyLimits.Http.DEFAULTS.maxRequestBodyBytes(),
                ProxyLimits.Http.DEFAULTS.requestHeadersTimeout(), requestTimeout, ProxyLimits.Http.DEFAULTS.idleTimeout(),
                streamIdleTimeout), Optional.empty(), java.util.Set.of());
    }
}
