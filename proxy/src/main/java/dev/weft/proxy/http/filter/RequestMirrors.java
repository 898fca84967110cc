package dev.weft.proxy.http.filter;

import dev.weft.proxy.http.HttpExchange;
import dev.weft.proxy.route.ClusterSpecifier;
import dev.weft.proxy.route.MirrorPolicy;
import dev.weft.proxy.route.RouteAction;
import dev.weft.proxy.upstream.UpstreamCluster;
import dev.weft.proxy.upstream.UpstreamHost;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code request_mirror_policies}: a sampled copy of the request, with the Host suffixed
 * {@code -shadow} (Envoy's rule, before any port), goes to the mirror cluster, fire-and-forget: its
 * response is dropped, its failure ignored, and it never holds up the main request. Mirrors in
 * flight are bounded (beyond {@link #MAX_IN_FLIGHT} copies are skipped and counted in
 * {@code cluster.<mirror>.upstream_rq_shadow_overflow}), and each by the route timeout, or
 * {@link #DEFAULT_TIMEOUT} when the route has none.
 */
final class RequestMirrors {

    static final int MAX_IN_FLIGHT = 512;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    private static final AtomicInteger IN_FLIGHT = new AtomicInteger();

    private RequestMirrors() {
    }

    static void send(HttpExchange exchange, RouteAction.Forward forward, ClusterSpecifier.WeightedCluster target) {
        for (MirrorPolicy policy : forward.mirrors()) {
            if (!policy.sample(ThreadLocalRandom.current())) {
                continue;
            }
            String stat = "cluster." + policy.cluster() + ".";
            Optional<UpstreamCluster> cluster = exchange.cluster(policy.cluster());
            if (cluster.isEmpty()) {
                exchange.stats().inc("http." + exchange.statPrefix() + ".shadow_no_cluster");
                continue;
            }
            Optional<UpstreamHost> host = cluster.get().chooseHost();
            if (host.isEmpty()) {
                exchange.stats().inc(stat + "upstream_cx_none_healthy");
                continue;
            }
            if (IN_FLIGHT.incrementAndGet() > MAX_IN_FLIGHT) {
                IN_FLIGHT.decrementAndGet();
                exchange.stats().inc(stat + "upstream_rq_shadow_overflow");
                continue;
            }
            FullHttpRequest copy = UpstreamRequests.build(exchange, forward, target, 1);
            String authority = copy.headers().get(HttpHeaderNames.HOST, "");
            copy.headers().set(HttpHeaderNames.HOST, shadowHost(authority));
            exchange.stats().inc(stat + "upstream_rq_total");
            Duration timeout = forward.timeout().isZero() ? DEFAULT_TIMEOUT : forward.timeout();
            cluster.get().send(host.get(), copy, timeout, exchange.eventLoop()).whenComplete((response, error) -> {
                IN_FLIGHT.decrementAndGet();
                if (response != null) {
                    response.release();
                } else {
                    exchange.stats().inc(stat + "upstream_rq_shadow_failed");
                }
            });
        }
    }

    /** {@code foo} -> {@code foo-shadow}, {@code foo:8080} -> {@code foo-shadow:8080}. */
    static String shadowHost(String authority) {
        int colon = authority.lastIndexOf(':');
        int bracket = authority.lastIndexOf(']');
        if (colon > bracket && (bracket >= 0 || authority.indexOf(':') == colon)) {
            return authority.substring(0, colon) + "-shadow" + authority.substring(colon);
        }
        return authority + "-shadow";
    }
}
