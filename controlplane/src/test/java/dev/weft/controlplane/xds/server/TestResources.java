package dev.weft.controlplane.xds.server;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;

/** Hand-built Envoy resources of the shape a proxyless gRPC client accepts. */
final class TestResources {

    private TestResources() {
    }

    static final ConfigSource ADS = ConfigSource.newBuilder()
            .setAds(AggregatedConfigSource.getDefaultInstance())
            .setResourceApiVersion(ApiVersion.V3)
            .build();

    /** An API listener (what gRPC resolves {@code xds:///name} to) whose routes come from RDS. */
    static Any apiListener(String name, String routeConfigName) {
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
                .setStatPrefix(name)
                .setRds(Rds.newBuilder().setConfigSource(ADS).setRouteConfigName(routeConfigName))
                .addHttpFilters(HttpFilter.newBuilder()
                        .setName("envoy.filters.http.router")
                        .setTypedConfig(Any.pack(Router.getDefaultInstance())))
                .build();
        return Any.pack(Listener.newBuilder()
                .setName(name)
                .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm)))
                .build());
    }

    /** One virtual host for {@code domain}, every request to {@code cluster}. */
    static Any route(String name, String domain, String cluster) {
        return Any.pack(RouteConfiguration.newBuilder()
                .setName(name)
                .addVirtualHosts(VirtualHost.newBuilder()
                        .setName(domain)
                        .addDomains(domain)
                        .addRoutes(Route.newBuilder()
                                .setMatch(RouteMatch.newBuilder().setPrefix(""))
                                .setRoute(RouteAction.newBuilder().setCluster(cluster))))
                .build());
    }

    static Any edsCluster(String name) {
        return edsCluster(name, Cluster.LbPolicy.ROUND_ROBIN);
    }

    static Any edsCluster(String name, Cluster.LbPolicy lbPolicy) {
        return Any.pack(Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ADS))
                .setLbPolicy(lbPolicy)
                .build());
    }

    static Any endpoints(String cluster, int... ports) {
        LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder()
                .setLocality(Locality.newBuilder().setRegion("local"))
                .setLoadBalancingWeight(UInt32Value.of(1));
        for (int port : ports) {
            locality.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder()
                    .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                            .setAddress("127.0.0.1")
                            .setPortValue(port)))));
        }
        return Any.pack(ClusterLoadAssignment.newBuilder()
                .setClusterName(cluster)
                .addEndpoints(locality)
                .build());
    }
}
