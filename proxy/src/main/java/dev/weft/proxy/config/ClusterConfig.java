package dev.weft.proxy.config;

import java.time.Duration;
import java.util.Optional;

/**
 * A CDS cluster.
 *
 * @param discovery      where its endpoints come from
 * @param edsName        the ClusterLoadAssignment name to subscribe to (EDS only: the
 *                       {@code service_name}, else the cluster's name)
 * @param lbPolicy       how a request picks an endpoint
 * @param connectTimeout {@code connect_timeout} (Envoy's default 5s)
 * @param limits         circuit breaker thresholds of the default priority
 * @param maxRequestsPerConnection {@code max_requests_per_connection}; 0 = unlimited
 * @param staticEndpoints {@code load_assignment} of STATIC/STRICT_DNS/LOGICAL_DNS clusters
 * @param protocol       HTTP/1.1 or HTTP/2 to the endpoints ({@code HttpProtocolOptions})
 * @param http2          settings and limits of HTTP/2 connections to the endpoints
 */
public record ClusterConfig(
        String name,
        Discovery discovery,
        String edsName,
        LbPolicy lbPolicy,
        Duration connectTimeout,
        Limits limits,
        int maxRequestsPerConnection,
        Optional<EndpointsConfig> staticEndpoints,
        UpstreamProtocol protocol,
        Http2Options http2) {

    /** An HTTP/1.1 cluster with Envoy's HTTP/2 defaults (unused). */
    public ClusterConfig(String name, Discovery discovery, String edsName, LbPolicy lbPolicy, Duration connectTimeout,
            Limits limits, int maxRequestsPerConnection, Optional<EndpointsConfig> staticEndpoints) {
        this(name, discovery, edsName, lbPolicy, connectTimeout, limits, maxRequestsPerConnection, staticEndpoints,
                UpstreamProtocol.HTTP1, Http2Options.UPSTREAM);
    }

    /**
     * Which protocol requests take to the endpoints: {@code explicit_http_config} (HTTP/1.1 or
     * HTTP/2 with prior knowledge), or {@code use_downstream_protocol_config} (the client's).
     */
    public enum UpstreamProtocol { HTTP1, HTTP2, USE_DOWNSTREAM }

    public enum Discovery { STATIC, STRICT_DNS, LOGICAL_DNS, EDS, ORIGINAL_DST }

    public enum LbPolicy { ROUND_ROBIN, LEAST_REQUEST, RANDOM }

    /** Envoy's circuit breaker thresholds (defaults 1024 each; retries 3). */
    public record Limits(int maxConnections, int maxPendingRequests, int maxRequests, int maxRetries) {
        public static final Limits DEFAULTS = new Limits(1024, 1024, 1024, 3);
    }
}
