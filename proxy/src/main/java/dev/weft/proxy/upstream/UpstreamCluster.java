package dev.weft.proxy.upstream;

import dev.weft.proxy.config.ClusterConfig;
import dev.weft.proxy.config.EndpointsConfig.EndpointConfig;
import dev.weft.proxy.net.Transport;
import dev.weft.proxy.stats.ProxyStats;
import dev.weft.proxy.stats.StatusClassCounters;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.netty.channel.EventLoop;
import java.time.Duration;

/**
 * A cluster as traffic sees it: its hosts (endpoints with connection pools), its load balancer and
 * its circuit breakers. Endpoint updates keep the pools of hosts that stay.
 */
public final class UpstreamCluster {

    private final ClusterConfig config;
    private final Transport transport;
    private final PoolStats poolStats;
    private final LoadBalancer loadBalancer;
    private final ClusterLimits limits;
    private final ProxyStats stats;
    private final OutlierDetector outlierDetector;
    private final Optional<UpstreamTls> tls;
    private final String statPrefix;
    private final StatusClassCounters upstreamRequests;
    private volatile List<UpstreamHost> hosts = List.of();

    UpstreamCluster(ClusterConfig config, Transport transport, ProxyStats stats) {
        this(config, Optional.empty(), transport, stats);
    }

    UpstreamCluster(ClusterConfig config, Optional<SslContext> tls, Transport transport, ProxyStats stats) {
        this.config = config;
        this.tls = tls.map(context -> new UpstreamTls(context, config.tls().map(t -> t.sni()).orElse("")));
        this.transport = transport;
        this.stats = stats;
        this.statPrefix = "cluster." + config.name() + ".";
        this.upstreamRequests = new StatusClassCounters(stats, statPrefix + "upstream_rq_");
        this.poolStats = PoolStats.of(stats, config.name());
        this.loadBalancer = LoadBalancer.of(config);
        this.limits = new ClusterLimits(config.limits());
        this.outlierDetector = config.outlierDetection()
                .map(od -> new OutlierDetector(od, config.name(), () -> hosts, stats, System::nanoTime))
                .orElse(null);
        if (outlierDetector != null) {
            outlierDetector.start(transport.workers().next());
        }
    }

    public ClusterConfig config() {
        return config;
    }

    /** {@code cluster.<name>.}: the prefix of this cluster's stats names. */
    public String statPrefix() {
        return statPrefix;
    }

    /**
     * {@code cluster.<name>.upstream_rq_total} and {@code upstream_rq_<class>}, looked up once: every
     * request bumps them, and building their names per request showed in the proxy's CPU profile.
     */
    public StatusClassCounters upstreamRequests() {
        return upstreamRequests;
    }

    /**
     * Whether a request (that came over HTTP/2: {@code downstreamHttp2}) surely goes out over an
     * HTTP/1.1 connection, whose encoder only reads the request's headers (Netty's HTTP/2 codec
     * adds a header to the message it writes, on its connection's thread).
     */
    public boolean sendsHttp1(boolean downstreamHttp2) {
        return switch (config.protocol()) {
            case HTTP1 -> true;
            case USE_DOWNSTREAM -> !downstreamHttp2;
            case HTTP2, AUTO -> false;
        };
    }

    /** The client TLS context connections start with (empty: plaintext). */
    Optional<SslContext> tlsContext() {
        return tls.map(UpstreamTls::context);
    }

    public List<UpstreamHost> hosts() {
        return hosts;
    }

    /** Replaces the endpoint set; hosts whose address and settings stay keep their connections. */
    synchronized void setEndpoints(List<EndpointConfig> endpoints) {
        Map<EndpointConfig, UpstreamHost> old = new HashMap<>();
        hosts.forEach(host -> old.put(host.endpoint(), host));
        List<UpstreamHost> next = new ArrayList<>();
        for (EndpointConfig endpoint : endpoints) {
            UpstreamHost kept = old.remove(endpoint);
            next.add(kept != null ? kept : newHost(endpoint));
        }
        hosts = List.copyOf(next);
        old.values().forEach(UpstreamHost::drainPools);
    }

    // The cluster's protocol picks the pool; use_downstream_protocol_config gets one of each.
    private UpstreamHost newHost(EndpointConfig endpoint) {
        InetSocketAddress address = socketAddress(endpoint);
        ConnectionPool http1 = config.protocol() == ClusterConfig.UpstreamProtocol.HTTP2 ? null
                : new Http1ConnectionPool(transport, address, limits, config.connectTimeout(),
                        config.maxRequestsPerConnection(), poolStats, tls, config.perConnectionBufferLimitBytes());
        ConnectionPool http2 = config.protocol() == ClusterConfig.UpstreamProtocol.HTTP1 ? null
                : new Http2ConnectionPool(transport, address, limits, config.connectTimeout(), config.http2(),
                        config.maxRequestsPerConnection(), poolStats, tls, config.perConnectionBufferLimitBytes());
        if (config.protocol() == ClusterConfig.UpstreamProtocol.AUTO) {
            // The converter requires TLS for auto_config.
            return new UpstreamHost(endpoint, new AlpnConnectionPool(transport, address, limits, config.connectTimeout(),
                    tls.orElseThrow(), poolStats, http1, http2));
        }
        return http1 == null ? new UpstreamHost(endpoint, http2) : new UpstreamHost(endpoint, http1, http2);
    }

    // IP literals as they are; names (STRICT_DNS/LOGICAL_DNS) resolved by Netty when connecting.
    private static InetSocketAddress socketAddress(EndpointConfig endpoint) {
        return io.netty.util.NetUtil.isValidIpV4Address(endpoint.host())
                || io.netty.util.NetUtil.isValidIpV6Address(endpoint.host())
                ? new InetSocketAddress(endpoint.host(), endpoint.port())
                : InetSocketAddress.createUnresolved(endpoint.host(), endpoint.port());
    }

    /** Closes idle connections; busy ones close when their request ends. */
    synchronized void drain() {
        if (outlierDetector != null) {
            outlierDetector.stop();
        }
        hosts.forEach(UpstreamHost::drainPools);
    }

    /**
     * A host for one request: the load balancer's choice among healthy (or unknown-health) hosts,
     * else among degraded ones; empty when none can take traffic (UH).
     */
    public Optional<UpstreamHost> chooseHost() {
        return chooseHost(HostSelection.ANY);
    }

    /**
     * A host for one request as {@link #chooseHost()}, without hosts ejected by outlier detection
     * (unless fewer than {@code healthy_panic_threshold}% of the hosts are usable: Envoy's panic mode
     * then spreads over all of them), the request's hash for hash-based balancers, and up to
     * {@code maxAttempts} picks to avoid the hosts it should (a retry's previous hosts).
     */
    public Optional<UpstreamHost> chooseHost(HostSelection selection) {
        List<UpstreamHost> current = hosts;
        if (allRoutableAtOnePriority(current)) {
            // The usual case (every host healthy, none ejected, one priority): the balancer picks
            // from the host list itself, with no per-request copy of it.
            return Optional.of(pick(current, selection));
        }
        List<UpstreamHost> routable = new ArrayList<>(current.size());
        for (UpstreamHost host : current) {
            if (host.endpoint().health().routable() && !host.ejected()) {
                routable.add(host);
            }
        }
        double panic = config.lbOptions().healthyPanicPercent();
        if (!current.isEmpty() && panic > 0) {
            // Envoy counts healthy and degraded hosts against the threshold.
            // Plain loops, not streams: this runs for every request (the streams' pipeline objects
            // were a visible share of the proxy's per-request allocation).
            long usable = routable.size();
            for (UpstreamHost host : current) {
                if (!host.ejected() && host.endpoint().health() == EndpointConfig.Health.DEGRADED) {
                    usable++;
                }
            }
            if (usable * 100.0 < panic * current.size()) {
                stats.inc("cluster." + config.name() + ".lb_healthy_panic");
                routable = new ArrayList<>(current);
            }
        }
        if (routable.isEmpty()) {
            for (UpstreamHost host : current) {
                if (host.endpoint().health() == EndpointConfig.Health.DEGRADED && !host.ejected()) {
                    routable.add(host);
                }
            }
        }
        // Lowest priority number first (Envoy: priority 0 takes all traffic while it has hosts).
        int best = Integer.MAX_VALUE;
        for (UpstreamHost host : routable) {
            best = Math.min(best, host.endpoint().priority());
        }
        int lowest = best;
        routable.removeIf(host -> host.endpoint().priority() != lowest);
        if (routable.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(pick(routable, selection));
    }

    private static boolean allRoutableAtOnePriority(List<UpstreamHost> hosts) {
        if (hosts.isEmpty()) {
            return false;
        }
        int priority = hosts.getFirst().endpoint().priority();
        for (UpstreamHost host : hosts) {
            if (!host.endpoint().health().routable() || host.ejected() || host.endpoint().priority() != priority) {
                return false;
            }
        }
        return true;
    }

    private UpstreamHost pick(List<UpstreamHost> routable, HostSelection selection) {
        UpstreamHost chosen = null;
        for (int attempt = 0; attempt < Math.max(1, selection.maxAttempts()); attempt++) {
            // A hash-based balancer would pick the same host again: each new pick moves the hash.
            var hash = selection.hash().isPresent() && attempt > 0
                    ? java.util.OptionalLong.of(selection.hash().getAsLong() + attempt * 0x9E3779B97F4A7C15L)
                    : selection.hash();
            chosen = loadBalancer.choose(routable, hash);
            if (!selection.avoid().test(chosen)) {
                break;
            }
        }
        return chosen;
    }

    /** Takes a slot of the retry circuit breaker (max_retries or the retry budget); false: overflow. */
    public boolean tryStartRetry() {
        return limits.tryStartRetry();
    }

    /** Gives back a slot taken by {@link #tryStartRetry()}. */
    public void retryEnded() {
        limits.retries.decrementAndGet();
    }

    /**
     * Opens a stream to {@code host} for one request attempt: its head ({@code FullHttpRequest} for a
     * request without body) is written as soon as a connection is available, then the body as the
     * caller writes it; the response is reported to {@code listener} as it arrives (see
     * {@link UpstreamStream}). Overflow of {@code max_requests} is reported at once. A body-less
     * request that failed on a reused keep-alive connection the host had just closed is sent once
     * more on a new connection. {@code timeout} (zero: none) runs from {@link UpstreamStream#startTimer()}
     * until the response is complete: then UT, and the connection is closed. {@code loop} is the
     * downstream connection's event loop: the timer runs there, and the connection is taken (or
     * opened) on it when possible, so the whole exchange stays on one thread.
     * {@code downstreamHttp2} says the request arrived over HTTP/2 (for {@code use_downstream_protocol_config}).
     */
    public UpstreamStream open(UpstreamHost host, HttpRequest head, Duration timeout, EventLoop loop,
            boolean downstreamHttp2, UpstreamResponseListener listener) {
        UpstreamStream stream = new UpstreamStream(this, host, head, timeout, loop, downstreamHttp2, listener);
        if (!ClusterLimits.tryIncrement(limits.requests, limits.limits.maxRequests())) {
            ReferenceCountUtil.release(head);
            listener.onFailure(new UpstreamFailure(UpstreamFailure.Kind.OVERFLOW,
                    "max_requests " + limits.limits.maxRequests() + " reached for cluster " + config.name(), false));
            return stream;
        }
        host.requestStarted();
        stream.open();
        return stream;
    }

    /** A stream of {@link #open} ended (once): its response (headers) or failure, neither for a reset. */
    void streamEnded(UpstreamHost host, HttpResponse response, UpstreamFailure failure) {
        host.requestEnded();
        limits.requests.decrementAndGet();
        if (outlierDetector == null) {
            return;
        }
        // Local-origin errors as Envoy maps them without split_external_local_origin_errors; an
        // overflow of this proxy's own circuit breakers, or a reset of ours, says nothing about the host.
        if (response != null) {
            outlierDetector.report(host, response.status().code());
        } else if (failure != null) {
            switch (failure.kind()) {
                case OVERFLOW -> {
                }
                case TIMEOUT -> outlierDetector.report(host, 504);
                case PROTOCOL_ERROR -> outlierDetector.report(host, 502);
                case CONNECT_FAILURE, CONNECTION_TERMINATION -> outlierDetector.report(host, 503);
            }
        }
    }
}
