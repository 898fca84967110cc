package dev.weft.proxy.http.filter;

import dev.weft.proxy.http.FilterChain;
import dev.weft.proxy.http.Grpc;
import dev.weft.proxy.http.HttpExchange;
import dev.weft.proxy.http.ResponseFlag;
import dev.weft.proxy.route.ClusterSpecifier;
import dev.weft.proxy.route.HeaderMutation;
import dev.weft.proxy.route.Route;
import dev.weft.proxy.route.RouteAction;
import dev.weft.proxy.config.ClusterConfig;
import dev.weft.proxy.upstream.UpstreamCluster;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The terminal filter: answers direct responses and redirects itself; otherwise picks the cluster
 * of the selected route (weighted clusters by weight), sends mirrors, and forwards the request
 * ({@link UpstreamAttempts}: host choice, retries). Failures become Envoy's local replies: NR 404,
 * NC/UH/UF/UO/UC 503, UT 504. The route's response header mutations apply to whatever is sent,
 * local replies included, as Envoy's router does.
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
        if (!route.get().responseHeaders().isEmpty()) {
            exchange.onResponseHeaders(headers -> HeaderMutation.applyAll(route.get().responseHeaders(), headers));
        }
        switch (route.get().action()) {
            case RouteAction.DirectResponse direct -> exchange.localReply(direct.status(), null, direct.body());
            case RouteAction.Redirect redirect -> exchange.respond(RedirectResponse.of(redirect, exchange));
            // A gRPC request's route timeout may come from its grpc-timeout (max_stream_duration).
            case RouteAction.Forward forward -> forward(exchange, forward.withTimeout(Grpc.routeTimeout(
                    exchange.request().headers(), forward.timeout(), forward.grpcTimeoutHeaderMax())));
        }
    }

    private static void forward(HttpExchange exchange, RouteAction.Forward forward) {
        ClusterSpecifier.WeightedCluster target = forward.target()
                .choose(bound -> ThreadLocalRandom.current().nextInt(bound));
        if (!target.responseHeaders().isEmpty()) {
            // Registered after the route's, so run before them: the most specific level first.
            exchange.onResponseHeaders(headers -> target.responseHeaders().applyTo(headers));
        }
        Optional<UpstreamCluster> cluster = exchange.cluster(target.cluster());
        if (cluster.isEmpty()) {
            exchange.stats().inc("http." + exchange.statPrefix() + ".no_cluster");
            exchange.localReply(503, ResponseFlag.NC, "cluster not found");
            return;
        }
        RequestMirrors.send(exchange, forward, target);
        ClusterConfig.LbPolicy policy = cluster.get().config().lbPolicy();
        // The hash is computed only for a balancer that reads it (a cookie policy may set a cookie).
        OptionalLong hash = policy == ClusterConfig.LbPolicy.RING_HASH || policy == ClusterConfig.LbPolicy.MAGLEV
                ? RequestHash.compute(forward.hashPolicies(), exchange) : OptionalLong.empty();
        new UpstreamAttempts(exchange, forward, target, cluster.get(), hash).start();
    }
}
