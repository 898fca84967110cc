package dev.weft.proxy.http.filter;

import dev.weft.proxy.http.FilterChain;
import dev.weft.proxy.http.HttpExchange;
import dev.weft.proxy.http.ResponseFlag;
import dev.weft.proxy.route.Route;
import dev.weft.proxy.route.RouteAction;
import dev.weft.proxy.stats.ProxyStats;
import dev.weft.proxy.upstream.UpstreamCluster;
import dev.weft.proxy.upstream.UpstreamFailure;
import dev.weft.proxy.upstream.UpstreamHost;
import io.netty.handler.codec.http.FullHttpResponse;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The terminal filter: picks the cluster of the selected route (weighted clusters by weight), a host
 * by the cluster's load balancer, and forwards the request over a pooled connection. Failures become
 * Envoy's local replies: NR 404, NC/UH/UF/UO/UC 503, UT 504.
 */
final class RouterFilter implements HttpFilter {

    static final RouterFilter INSTANCE = new RouterFilter();

    @Override
    public void onRequest(HttpExchange exchange, FilterChain chain) {
        if (exchange.needsTlsRedirect()) {
            // Envoy's SslRedirectRoute: 301 to "https://" + Host (as sent, port included) + path.
            exchange.localReply(301, null, "",
                    java.util.Map.of("location", "https://" + exchange.view().authority() + exchange.request().uri()));
            return;
        }
        Optional<Route> route = exchange.route();
        if (route.isEmpty()) {
            exchange.stats().inc("http." + exchange.statPrefix() + ".no_route");
            exchange.localReply(404, ResponseFlag.NR, "");
            return;
        }
        switch (route.get().action()) {
            case RouteAction.DirectResponse direct -> exchange.localReply(direct.status(), null, direct.body());
            case RouteAction.Forward forward -> forward(exchange, forward);
        }
    }

    private static void forward(HttpExchange exchange, RouteAction.Forward forward) {
        String clusterName = forward.target().pick(bound -> ThreadLocalRandom.current().nextInt(bound));
        Optional<UpstreamCluster> maybeCluster = exchange.cluster(clusterName);
        if (maybeCluster.isEmpty()) {
            exchange.stats().inc("http." + exchange.statPrefix() + ".no_cluster");
            exchange.localReply(503, ResponseFlag.NC, "cluster not found");
            return;
        }
        UpstreamCluster cluster = maybeCluster.get();
        String stat = "cluster." + clusterName + ".";
        Optional<UpstreamHost> host = cluster.chooseHost();
        if (host.isEmpty()) {
            exchange.stats().inc(stat + "upstream_cx_none_healthy");
            exchange.localReply(503, ResponseFlag.UH, "no healthy upstream");
            return;
        }
        exchange.stats().inc(stat + "upstream_rq_total");
        long started = System.nanoTime();
        CompletableFuture<FullHttpResponse> response = cluster.send(host.get(),
                UpstreamRequests.build(exchange, forward, host.get()), forward.timeout(), exchange.eventLoop());
        response.whenComplete((upstream, thrown) -> {
            Throwable error = thrown instanceof CompletionException wrapped && wrapped.getCause() != null
                    ? wrapped.getCause() : thrown;
            if (error == null) {
                exchange.stats().inc(stat + "upstream_rq_" + ProxyStats.statusClass(upstream.status().code()));
                exchange.respond(UpstreamRequests.downstreamResponse(upstream, started));
                return;
            }
            UpstreamFailure failure = error instanceof UpstreamFailure f ? f
                    : new UpstreamFailure(UpstreamFailure.Kind.CONNECTION_TERMINATION, String.valueOf(error), false);
            exchange.stats().inc(stat + switch (failure.kind()) {
                case CONNECT_FAILURE -> "upstream_cx_connect_fail";
                case OVERFLOW -> "upstream_rq_pending_overflow";
                case TIMEOUT -> "upstream_rq_timeout";
                case CONNECTION_TERMINATION, PROTOCOL_ERROR -> "upstream_rq_rx_reset";
            });
            exchange.localReply(failure.kind().status(), ResponseFlag.valueOf(failure.kind().flag()),
                    failure.kind().body());
        });
    }
}
