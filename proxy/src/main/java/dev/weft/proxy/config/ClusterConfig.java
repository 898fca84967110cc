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
 * @param lbOptions      ring hash / maglev sizes and the healthy panic threshold
 * @param outlierDetection {@code outlier_detection} (empty: hosts are never ejected)
 * @param protocol       HTTP/1.1 or HTTP/2 to the endpoints ({@code HttpProtocolOptions})
 * @param http2          settings and limits of HTTP/2 connections to the endpoints
 * @param tls            the {@code transport_socket}'s UpstreamTlsContext; empty: plaintext
 * @param perConnectionBufferLimitBytes {@code per_connection_buffer_limit_bytes}: what may wait in
 *                       one upstream connection's write buffer before it stops taking more (request
 *                       bodies then wait, and past their own limit the client is not read); 0 when
 *                       unset: Netty's default write watermark (64 KiB, tighter than Envoy's 1 MiB)
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
        LbOptions lbOptions,
        Optional<OutlierDetectionConfig> outlierDetection,
        UpstreamProtocol protocol,
        Http2Options http2,
        Optional<TlsContextConfig> tls,
        int perConnectionBufferLimitBytes) {

    /** Without {@code per_connection_buffer_limit_bytes}. */
    public ClusterConfig(String name, Discovery discovery, String edsName, LbPolicy lbPolicy, Duration connectTimeout,
            Limits limits, int maxRequestsPerConnection, Optional<EndpointsConfig> staticEndpoints, LbOptions lbOptions,
            Optional<OutlierDetectionConfig> outlierDetection, UpstreamProtocol protocol, Http2Options http2,
            Optional<TlsContextConfig> tls) {
        this(name, discovery, edsName, lbPolicy, connectTimeout, limits, maxRequestsPerConnection, staticEndpoints,
                lbOptions, outlierDetection, protocol, http2, tls, 0);
    }

    /** A plaintext HTTP/1.1 cluster with the default balancer options, no outlier detection. */
    public ClusterConfig(String name, Discovery discovery, String edsName, LbPolicy lbPolicy, Duration connectTimeout,
            Limits limits, int maxRequestsPerConnection, Optional<EndpointsConfig> staticEndpoints) {
        this(name, discovery, edsName, lbPolicy, connectTimeout, limits, maxRequestsPerConnection, staticEndpoints,
                LbOptions.DEFAULTS, Optional.empty(), UpstreamProtocol.HTTP1, Http2Options.UPSTREAM, Optional.empty());
    }

    /**
     * Which protocol requests take to the endpoints: {@code explicit_http_config} (HTTP/1.1 or
     * HTTP/2 with prior knowledge), {@code use_downstream_protocol_config} (the client's), or
     * {@code auto_config} (over TLS, the one the host's ALPN answer names).
     */
    public enum UpstreamProtocol { HTTP1, HTTP2, USE_DOWNSTREAM, AUTO }

    public enum Discovery { STATIC, STRICT_DNS, LOGICAL_DNS, EDS, ORIGINAL_DST }

    public enum LbPolicy { ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV }

    /**
     * Load balancer settings beyond the policy.
     *
     * @param minRingSize          {@code ring_hash_lb_config.minimum_ring_size} (Envoy: 1024)
     * @param maxRingSize          {@code ring_hash_lb_config.maximum_ring_size} (Envoy: 8M)
     * @param maglevTableSize      {@code maglev_lb_config.table_size} (Envoy: 65537, a prime)
     * @param healthyPanicPercent  {@code common_lb_config.healthy_panic_threshold} (Envoy: 50): below
     *                             this share of usable hosts, all hosts take traffic; 0 disables it
     */
    public record LbOptions(long minRingSize, long maxRingSize, long maglevTableSize, double healthyPanicPercent) {
        public static final LbOptions DEFAULTS = new LbOptions(1024, 8L * 1024 * 1024, 65537, 50.0);
    }

    /**
     * Envoy's circuit breaker thresholds (defaults 1024 each; retries 3).
     *
     * @param retryBudget when set, replaces {@code max_retries}: active retries may be this share of
     *                    the active plus pending requests (at least its minimum concurrency)
     */
    public record Limits(int maxConnections, int maxPendingRequests, int maxRequests, int maxRetries,
            Optional<RetryBudget> retryBudget) {
        public static final Limits DEFAULTS = new Limits(1024, 1024, 1024, 3);

        public Limits(int maxConnections, int maxPendingRequests, int maxRequests, int maxRetries) {
            this(maxConnections, maxPendingRequests, maxRequests, maxRetries, Optional.empty());
        }
    }

    /**
     * {@code circuit_breakers.thresholds.retry_budget}: Envoy's defaults are 20% and 3.
     *
     * @param budgetPercent       active retries allowed per 100 active or pending requests
     * @param minRetryConcurrency retries always allowed, however few requests are active
     */
    public record RetryBudget(double budgetPercent, int minRetryConcurrency) {
    }
}
