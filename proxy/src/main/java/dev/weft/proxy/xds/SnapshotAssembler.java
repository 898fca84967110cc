package dev.weft.proxy.xds;

import dev.weft.proxy.config.ActiveCluster;
import dev.weft.proxy.config.ClusterConfig;
import dev.weft.proxy.config.ConfigSnapshot;
import dev.weft.proxy.config.EndpointsConfig;
import dev.weft.proxy.config.ListenerConfig;
import dev.weft.proxy.config.WarmListener;
import dev.weft.proxy.config.RouteSource;
import dev.weft.proxy.route.RouteTable;
import io.netty.handler.ssl.SslContext;
import dev.weft.proxy.xds.XdsResourceType.Resource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the next {@link ConfigSnapshot} from the accepted resources, with warming: an EDS cluster
 * is active once its endpoints arrived; a listener once the route configurations of its HTTP chains
 * and every cluster its routes and TCP proxies name are active, and, when its chains terminate TLS,
 * once the SDS secrets they name arrived and make usable contexts (a listener or cluster with TLS
 * warms until then). Until then the previous version of that listener or cluster (if any)
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
        Map<String, WarmListener> listeners = new HashMap<>();
        for (Resource<ListenerConfig> resource : state.listeners.resources.values()) {
            ListenerConfig listener = resource.config();
            if (!listener.serves()) {
                continue; // an API listener (proxyless gRPC): nothing to bind
            }
            Map<String, RouteTable> rdsRoutes = new HashMap<>();
            boolean warm = clusters.keySet().containsAll(listener.tcpClusters());
            for (String name : listener.rdsNames()) {
                RouteTable routes = state.routeTable(name); // VHDS: joined with its virtual hosts
                if (routes == null) {
                    warm = false;
                } else {
                    rdsRoutes.put(name, routes);
                }
            }
            for (var chain : listener.allChains()) {
                if (chain.http().isPresent() && chain.http().get().routes() instanceof RouteSource.Inline inline) {
                    warm &= clusters.keySet().containsAll(inline.table().referencedClusters());
                }
            }
            warm &= rdsRoutes.values().stream().allMatch(routes -> clusters.keySet().containsAll(routes.referencedClusters()));
            // The chains' TLS contexts: null while a secret is missing or unusable.
            ListenerConfig withTls = tls.listener(listener.name(), listener, state.secrets.resources);
            warm &= withTls != null;
            if (warm) {
                listeners.put(listener.name(), new WarmListener(withTls, rdsRoutes));
            } else {
                complete = false;
                WarmListener old = previous.listeners().get(listener.name());
                if (old != null) {
                    listeners.put(listener.name(), old);
                }
            }
        }
        state.tls = tls;
        return new ConfigSnapshot(listeners, clusters, complete);
    }
}
