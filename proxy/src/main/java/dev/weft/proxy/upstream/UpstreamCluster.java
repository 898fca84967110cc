package dev.weft.proxy.upstream;

import dev.weft.proxy.config.ClusterConfig;
import dev.weft.proxy.config.EndpointsConfig.EndpointConfig;
import dev.weft.proxy.net.Transport;
import dev.weft.proxy.stats.ProxyStats;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

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
    private volatile List<UpstreamHost> hosts = List.of();

    UpstreamCluster(ClusterConfig config, Transport transport, ProxyStats stats) {
        this(config, Optional.empty(), transport, stats);
    }

    UpstreamCluster(ClusterConfig config, Optional<SslContext> tls, Transport transport, ProxyStats stats) {
        this.config = config;
        this.tls = tls.map(context -> new UpstreamTls(context, config.tls().map(t -> t.sni()).orElse("")));
        this.transport = transport;
        this.stats = stats;
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
                        config.maxRequestsPerConnection(), poolStats, tls);
        ConnectionPool http2 = config.protocol() == ClusterConfig.UpstreamProtocol.HTTP1 ? null
                : new Http2ConnectionPool(transport, address, limits, config.connectTimeout(), config.http2(),
                        config.maxRequestsPerConnection(), poolStats);
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
        return Optional.of(chosen);
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
     * Sends a request to a host and completes with its response (which the caller releases), or
     * with an {@link UpstreamFailure}. The request's reference is consumed. A request that failed
     * on a reused keep-alive connection that the host had just closed is sent once more on a new
     * connection. After {@code timeout} (zero: none) it fails with UT and the connection is closed.
     * {@code loop} is the downstream connection's event loop: the timer runs there, and the
     * connection is taken (or opened) on it when possible, so the whole exchange stays on one thread.
     */
    public CompletableFuture<FullHttpResponse> send(UpstreamHost host, FullHttpRequest request, Duration timeout,
            EventLoop loop) {
        return send(host, request, timeout, loop, false);
    }

    /**
     * As {@link #send(UpstreamHost, FullHttpRequest, Duration, EventLoop)}; {@code downstreamHttp2}
     * says the request arrived over HTTP/2 (for {@code use_downstream_protocol_config}).
     */
    public CompletableFuture<FullHttpResponse> send(UpstreamHost host, FullHttpRequest request, Duration timeout,
            EventLoop loop, boolean downstreamHttp2) {
        if (!ClusterLimits.tryIncrement(limits.requests, limits.limits.maxRequests())) {
            request.release();
            return CompletableFuture.failedFuture(new UpstreamFailure(UpstreamFailure.Kind.OVERFLOW,
                    "max_requests " + limits.limits.maxRequests() + " reached for cluster " + config.name(), false));
        }
        host.requestStarted();
        CompletableFuture<FullHttpResponse> result = new CompletableFuture<>();
        AtomicReference<UpstreamConnection> current = new AtomicReference<>();
        ScheduledFuture<?> timeoutTask = timeout.isZero() ? null : loop.schedule(() -> {
            if (result.completeExceptionally(new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT,
                    "no response within " + timeout, false))) {
                UpstreamConnection connection = current.get();
                if (connection != null) {
                    connection.abort();
                }
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        result.whenComplete((response, error) -> {
            if (timeoutTask != null) {
                timeoutTask.cancel(false);
            }
            host.requestEnded();
            limits.requests.decrementAndGet();
            if (outlierDetector != null) {
                reportOutcome(host, response, error);
            }
        });
        attempt(host, request, result, current, true, loop, downstreamHttp2);
        return result;
    }

    // Local-origin errors as Envoy maps them without split_external_local_origin_errors; an overflow
    // of this proxy's own circuit breakers says nothing about the host.
    private void reportOutcome(UpstreamHost host, FullHttpResponse response, Throwable error) {
        if (error == null) {
            outlierDetector.report(host, response.status().code());
            return;
        }
        Throwable cause = error instanceof java.util.concurrent.CompletionException wrapped && wrapped.getCause() != null
                ? wrapped.getCause() : error;
        if (cause instanceof UpstreamFailure failure) {
            switch (failure.kind()) {
                case OVERFLOW -> {
                }
                case TIMEOUT -> outlierDetector.report(host, 504);
                case PROTOCOL_ERROR -> outlierDetector.report(host, 502);
                case CONNECT_FAILURE, CONNECTION_TERMINATION -> outlierDetector.report(host, 503);
            }
        } else {
            outlierDetector.report(host, 503);
        }
    }

    private void attempt(UpstreamHost host, FullHttpRequest request, CompletableFuture<FullHttpResponse> result,
            AtomicReference<UpstreamConnection> current, boolean mayRetry, EventLoop loop, boolean downstreamHttp2) {
        host.pool(downstreamHttp2).acquire(loop).whenComplete((connection, acquireError) -> {
            if (acquireError != null) {
                request.release();
                if (acquireError instanceof UpstreamFailure failure
                        && failure.kind() == UpstreamFailure.Kind.CONNECT_FAILURE) {
                    host.connectFailures.increment();
                }
                result.completeExceptionally(acquireError);
                return;
            }
            if (result.isDone()) {
                // Timed out while waiting for a connection.
                request.release();
                connection.release(true);
                return;
            }
            current.set(connection);
            request.retain();
            connection.send(request).whenComplete((response, sendError) -> {
                if (sendError == null) {
                    request.release();
                    boolean reusable = HttpUtil.isKeepAlive(response);
                    connection.release(reusable);
                    if (!result.complete(response)) {
                        response.release();
                    }
                    return;
                }
                connection.abort();
                if (mayRetry && sendError instanceof UpstreamFailure failure && failure.retriable()
                        && !result.isDone()) {
                    attempt(host, request, result, current, false, loop, downstreamHttp2);
                } else {
                    request.release();
                    result.completeExceptionally(sendError);
                }
            });
        });
    }
}
