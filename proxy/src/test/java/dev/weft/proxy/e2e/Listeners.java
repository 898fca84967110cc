package dev.weft.proxy.e2e;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;

/** Listener-side Envoy resources built by hand: filter chains, tcp_proxy, listener filters, STATIC clusters. */
final class Listeners {

    private Listeners() {
    }

    static Listener.Builder listener(String name, String host, int port) {
        return Listener.newBuilder().setName(name)
                .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                        .setAddress(host).setPortValue(port)));
    }

    static FilterChain.Builder tcpProxyChain(String name, String cluster) {
        return tcpProxyChain(name, TcpProxy.newBuilder().setStatPrefix(name).setCluster(cluster).build());
    }

    static FilterChain.Builder tcpProxyChain(String name, TcpProxy tcp) {
        return FilterChain.newBuilder().setName(name).addFilters(Filter.newBuilder()
                .setName("envoy.filters.network.tcp_proxy").setTypedConfig(Any.pack(tcp)));
    }

    /** An HTTP connection manager with inline routes: every request to {@code cluster}. */
    static FilterChain.Builder httpChain(String name, String cluster) {
        return httpChain(name, cluster, false);
    }

    /** The same, with {@code upgrade_configs: [websocket]} when asked (as Istio sets it). */
    static FilterChain.Builder httpChain(String name, String cluster, boolean websocket) {
        HttpConnectionManager.Builder builder = HttpConnectionManager.newBuilder();
        if (websocket) {
            builder.addUpgradeConfigs(HttpConnectionManager.UpgradeConfig.newBuilder().setUpgradeType("websocket"));
        }
        HttpConnectionManager hcm = builder.setStatPrefix(name)
                .setRouteConfig(RouteConfiguration.newBuilder().setName(name)
                        .addVirtualHosts(Envoy.virtualHost(name, "*").addRoutes(Envoy.toCluster("/", cluster))))
                .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
                        .setTypedConfig(Any.pack(Router.getDefaultInstance())))
                .build();
        return FilterChain.newBuilder().setName(name).addFilters(Filter.newBuilder()
                .setName("envoy.filters.network.http_connection_manager").setTypedConfig(Any.pack(hcm)));
    }

    static FilterChainMatch.Builder match() {
        return FilterChainMatch.newBuilder();
    }

    static FilterChainMatch.Builder destinationPort(int port) {
        return FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(port));
    }

    static ListenerFilter httpInspector() {
        return ListenerFilter.newBuilder().setName("envoy.filters.listener.http_inspector")
                .setTypedConfig(Any.pack(HttpInspector.getDefaultInstance())).build();
    }

    static ListenerFilter tlsInspector() {
        return ListenerFilter.newBuilder().setName("envoy.filters.listener.tls_inspector")
                .setTypedConfig(Any.pack(TlsInspector.getDefaultInstance())).build();
    }

    /** A STATIC cluster with its endpoints inline. */
    static Any staticCluster(String name, String host, int... ports) {
        LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder();
        for (int port : ports) {
            locality.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder()
                    .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                            .setAddress(host).setPortValue(port)))));
        }
        return Any.pack(Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.STATIC)
                .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(5))
                .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName(name).addEndpoints(locality))
                .build());
    }
}
