package dev.weft.proxy.config;

import dev.weft.proxy.tls.TlsContextConfig;
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
 * @param tls            the {@code transport_socket}'s UpstreamTlsContext; empty: plaintext
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
        Optional<TlsContextConfig> tls) {

    /** A plaintext cluster. */
    public ClusterConfig(String name, Discovery discovery, String edsName, LbPolicy lbPolicy, Duration connectTimeout,
            Limits limits, int maxRequestsPerConnection, Optional<EndpointsConfig> staticEndpoints) {
        this(name, discovery, edsName, lbPolicy, connectTimeout, limits, maxRequestsPerConnection, staticEndpoints,
                Optional.empty());
    }

    public enum Discovery { STATIC, STRICT_DNS, LOGICAL_DNS, EDS, ORIGINAL_DST }

    public enum LbPolicy { ROUND_ROBIN, LEAST_REQUEST, RANDOM }

    /** Envoy's circuit breaker thresholds (defaults 1024 each; retries 3). */
    public record Limits(int maxConnections, int maxPendingRequests, int maxRequests, int maxRetries) {
        public static final Limits DEFAULTS = new Limits(1024, 1024, 1024, 3);
    }
}
