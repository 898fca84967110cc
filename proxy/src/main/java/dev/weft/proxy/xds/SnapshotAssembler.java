package dev.weft.proxy.xds;

import dev.weft.proxy.config.ActiveCluster;
import dev.weft.proxy.config.ActiveListener;
import dev.weft.proxy.config.ClusterConfig;
import dev.weft.proxy.config.ConfigSnapshot;
import dev.weft.proxy.config.EndpointsConfig;
import dev.weft.proxy.config.HttpConnectionManagerConfig;
import dev.weft.proxy.config.ListenerConfig;
import dev.weft.proxy.config.RouteSource;
import dev.weft.proxy.route.RouteTable;
import dev.weft.proxy.tls.DownstreamTls;
import io.netty.handler.ssl.SslContext;
import dev.weft.proxy.xds.XdsResourceType.Resource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the next {@link ConfigSnapshot} from the accepted resources, with warming: an EDS cluster
 * is active once its endpoints arrived; a listener once its route configuration and every cluster
 * its routes name are active, and a listener or cluster with TLS once the SDS secrets it names
 * arrived (and make a usable context). Until then the previous version of that listener or cluster (if any)
 * keeps serving, as Envoy keeps an old listener while the new one warms.
 */
final class SnapshotAssembler {

    private SnapshotAssembler() {
    }

    static ConfigSnapshot assemble(XdsState state, ConfigSnapshot previous) {
        boolean complete = state.listeners.received && state.clusters.received;
        TlsAssembly tls = state.tls.next();
        Map<String, ActiveCluster> clusters = new HashMap<>();
        for (Resource<ClusterConfig> resource : state.clusters.resources.values()) {
            ClusterConfig cluster = resource.config();
            Optional<List<EndpointsConfig.EndpointConfig>> endpoints = switch (cluster.discovery()) {
                case EDS -> Optional.ofNullable(state.endpoints.resources.get(cluster.edsName()))
                        .map(assignment -> assignment.config().endpoints());
                default -> Optional.of(cluster.staticEndpoints().map(EndpointsConfig::endpoints).orElse(List.of()));
            };
            Optional<SslContext> clientTls = tls.cluster(cluster.name(), cluster.tls(), state.secrets.resources);
            if (endpoints.isPresent() && clientTls != null) {
                clusters.put(cluster.name(), new ActiveCluster(cluster, endpoints.get(), clientTls));
            } else {
                complete = false;
                ActiveCluster old = previous.clusters().get(cluster.name());
                if (old != null) {
                    clusters.put(cluster.name(), old);
                }
            }
        }
        Map<String, ActiveListener> listeners = new HashMap<>();
        for (Resource<ListenerConfig> resource : state.listeners.resources.values()) {
            ListenerConfig listener = resource.config();
            Optional<HttpConnectionManagerConfig> http = listener.http();
            if (http.isEmpty()) {
                continue; // nothing this proxy can serve on it (TCP proxy, API listener): not bound
            }
            RouteTable routes = switch (http.get().routes()) {
                case RouteSource.Inline inline -> inline.table();
                case RouteSource.Rds rds -> Optional.ofNullable(state.routes.resources.get(rds.name()))
                        .map(Resource::config).orElse(null);
            };
            Optional<DownstreamTls> downstreamTls = tls.listener(listener.name(), listener, state.secrets.resources);
            boolean warm = routes != null && clusters.keySet().containsAll(routes.referencedClusters())
                    && downstreamTls != null;
            if (warm) {
                listeners.put(listener.name(), new ActiveListener(listener, http.get(), routes, downstreamTls));
            } else {
                complete = false;
                ActiveListener old = previous.listeners().get(listener.name());
                if (old != null) {
                    listeners.put(listener.name(), old);
                }
            }
        }
        state.tls = tls;
        return new ConfigSnapshot(listeners, clusters, complete);
    }
}
