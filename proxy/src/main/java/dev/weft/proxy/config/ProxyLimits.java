package dev.weft.proxy.config;

import java.time.Duration;

/**
 * Every bound the proxy puts on what a downstream client may send or hold, in one place (the README
 * lists them from here). Process-wide limits are this record's components; the limits an xDS
 * {@code HttpConnectionManager} can set per listener are {@link Http}, with Envoy's defaults (or a
 * safe one where Envoy has none) when the control plane leaves them unset.
 *
 * @param maxConnections            downstream connections over all listeners; more are closed on accept
 *                                  (Envoy's {@code overload.global_downstream_max_connections})
 * @param maxConnectionsPerListener downstream connections per listener (Envoy's runtime
 *                                  {@code envoy.resource_limits.listener.<name>.connection_limit})
 * @param accessLogQueue            access log lines waiting for the writer thread; more are dropped
 *                                  (counted in {@code access_log.dropped})
 * @param drainTime                 how long a drain (SIGTERM, /drain_listeners, a replaced listener) lets
 *                                  in-flight requests finish before closing what is left (Envoy's
 *                                  {@code --drain-time-s})
 */
public record ProxyLimits(
        int maxConnections,
        int maxConnectionsPerListener,
        int accessLogQueue,
        Duration drainTime) {

    public static final ProxyLimits DEFAULTS = new ProxyLimits(50_000, 20_000, 16_384, Duration.ofSeconds(5));

    public ProxyLimits {
        positive(maxConnections, "maxConnections");
        positive(maxConnectionsPerListener, "maxConnectionsPerListener");
        positive(accessLogQueue, "accessLogQueue");
        if (drainTime.isNegative()) {
            throw new IllegalArgumentException("drainTime must not be negative");
        }
    }

    public ProxyLimits withMaxConnections(int total, int perListener) {
        return new ProxyLimits(total, perListener, accessLogQueue, drainTime);
    }

    public ProxyLimits withDrainTime(Duration time) {
        return new ProxyLimits(maxConnections, maxConnectionsPerListener, accessLogQueue, time);
    }

    private static void positive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
    }

    /**
     * The per-listener HTTP/1.1 limits an {@code HttpConnectionManager} carries. A zero duration
     * means "none" only where Envoy allows it; unset fields get the defaults of {@link #DEFAULTS}.
     *
     * @param maxRequestLineBytes   request line (method, target, version); longer: 414 (fixed, not in xDS)
     * @param maxRequestHeadersKb   {@code max_request_headers_kb}: request line + headers; more: 431
     *                              (Envoy's default 60)
     * @param maxHeadersCount       {@code common_http_protocol_options.max_headers_count}; more: 431 (Envoy's
     *                              default 100)
     * @param bodyBufferLimitBytes   the buffer limit of a request body: the listener's
     *                              per_connection_buffer_limit_bytes (Envoy's default 1 MiB): bodies
     *                              stream and have no size limit; up to this much is kept for retries
     *                              and mirrors (a larger body is neither retried nor mirrored), and at
     *                              most this much waits for the upstream before the client is not read
     * @param requestHeadersTimeout {@code request_headers_timeout}: from the first byte of a request to the
     *                              end of its headers; then 408 and close. Envoy has none by default; 10 s
     *                              here, against slowloris
     * @param requestTimeout        {@code request_timeout}: from the first byte of a request until it is
     *                              wholly received; then 408 and close. Envoy has none by default; 60 s
     *                              here, against slow bodies
     * @param idleTimeout           {@code common_http_protocol_options.idle_timeout}: a connection with no
     *                              request in flight is closed after it (Envoy's default 1 h)
     * @param streamIdleTimeout     {@code stream_idle_timeout}: a request in flight with no bytes read or
     *                              written (a client not reading its response) is closed after it (Envoy's
     *                              default 5 min)
     */
    public record Http(
            int maxRequestLineBytes,
            int maxRequestHeadersKb,
            int maxHeadersCount,
            int bodyBufferLimitBytes,
            Duration requestHeadersTimeout,
            Duration requestTimeout,
            Duration idleTimeout,
            Duration streamIdleTimeout) {

        public static final Http DEFAULTS = new Http(16 * 1024, 60, 100, 1024 * 1024, Duration.ofSeconds(10),
                Duration.ofSeconds(60), Duration.ofHours(1), Duration.ofMinutes(5));

        public Http {
            positive(maxRequestLineBytes, "maxRequestLineBytes");
            positive(maxRequestHeadersKb, "maxRequestHeadersKb");
            positive(maxHeadersCount, "maxHeadersCount");
            positive(bodyBufferLimitBytes, "bodyBufferLimitBytes");
        }

        /** The bytes a request head (request line and headers) may take. */
        public int maxRequestHeadBytes() {
            return maxRequestHeadersKb * 1024;
        }
    }
}
