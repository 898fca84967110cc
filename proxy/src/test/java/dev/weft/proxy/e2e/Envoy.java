package dev.weft.proxy.e2e;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.FractionalPercent;

/** Envoy v3 resources built by hand, the way a control plane sends them. */
final class Envoy {

    private Envoy() {
    }

    static final ConfigSource ADS = ConfigSource.newBuilder()
            .setAds(AggregatedConfigSource.getDefaultInstance())
            .setResourceApiVersion(ApiVersion.V3)
            .build();

    /** An HTTP listener on 127.0.0.1:port; routes from RDS; a fault filter (for x-fault: abort) and the router. */
    static Any httpListener(String name, int port, String routeName) {
        return httpListener(name, port, routeName, hcm -> hcm);
    }

    /** The same, with the HTTP connection manager edited by {@code edit} (timeouts, limits, access log). */
    static Any httpListener(String name, int port, String routeName,
            java.util.function.UnaryOperator<HttpConnectionManager.Builder> edit) {
        HTTPFault fault = HTTPFault.newBuilder()
                .setAbort(FaultAbort.newBuilder().setHttpStatus(418)
                        .setPercentage(FractionalPercent.newBuilder().setNumerator(100)))
                .addHeaders(HeaderMatcher.newBuilder().setName("x-fault")
                        .setStringMatch(StringMatcher.newBuilder().setExact("abort")))
                .build();
        HttpConnectionManager hcm = edit.apply(HttpConnectionManager.newBuilder()
                .setStatPrefix(name)
                .setRds(Rds.newBuilder().setConfigSource(ADS).setRouteConfigName(routeName))
                .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.fault")
                        .setTypedConfig(Any.pack(fault)))
                .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
                        .setTypedConfig(Any.pack(Router.getDefaultInstance()))))
                .build();
        return Any.pack(Listener.newBuilder()
                .setName(name)
                .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                        .setAddress("127.0.0.1").setPortValue(port)))
                .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
                        .setName("envoy.filters.network.http_connection_manager")
                        .setTypedConfig(Any.pack(hcm))))
                .build());
    }

    static VirtualHost.Builder virtualHost(String name, String... domains) {
        VirtualHost.Builder builder = VirtualHost.newBuilder().setName(name);
        for (String domain : domains) {
            builder.addDomains(domain);
        }
        return builder;
    }

    static Route toCluster(String prefix, String cluster) {
        return Route.newBuilder()
                .setMatch(RouteMatch.newBuilder().setPrefix(prefix))
                .setRoute(RouteAction.newBuilder().setCluster(cluster))
                .build();
    }

    static Route headerToCluster(String header, String value, String cluster) {
        return Route.newBuilder()
                .setMatch(RouteMatch.newBuilder().setPrefix("/")
                        .addHeaders(HeaderMatcher.newBuilder().setName(header)
                                .setStringMatch(StringMatcher.newBuilder().setExact(value))))
                .setRoute(RouteAction.newBuilder().setCluster(cluster))
                .build();
    }

    static Route regexToCluster(String regex, String cluster) {
        return Route.newBuilder()
                .setMatch(RouteMatch.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(regex)))
                .setRoute(RouteAction.newBuilder().setCluster(cluster))
                .build();
    }

    static Route weighted(String first, int firstWeight, String second, int secondWeight) {
        return Route.newBuilder()
                .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(RouteAction.newBuilder().setWeightedClusters(WeightedCluster.newBuilder()
                        .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName(first)
                                .setWeight(UInt32Value.of(firstWeight)))
                        .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName(second)
                                .setWeight(UInt32Value.of(secondWeight)))))
                .build();
    }

    /** Every request aborted with {@code status}: Istio's VirtualService fault, as a per-route filter config. */
    static Route faulty(String cluster, int status) {
        HTTPFault abort = HTTPFault.newBuilder().setAbort(FaultAbort.newBuilder().setHttpStatus(status)
                .setPercentage(FractionalPercent.newBuilder().setNumerator(1_000_000)
                        .setDenominator(FractionalPercent.DenominatorType.MILLION))).build();
        return toCluster("/", cluster).toBuilder()
                .putTypedPerFilterConfig("envoy.filters.http.fault", Any.pack(abort))
                .build();
    }

    static Route rewrite(String prefix, String replacement, String cluster) {
        return Route.newBuilder()
                .setMatch(RouteMatch.newBuilder().setPrefix(prefix))
                .setRoute(RouteAction.newBuilder().setCluster(cluster).setPrefixRewrite(replacement))
                .build();
    }

    static Any edsCluster(String name) {
        return Any.pack(Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ADS))
                .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(1))
                .build());
    }

    /** An EDS cluster whose endpoints speak HTTP/2 (what the control plane sends for grpc/http2 ports). */
    static Any edsHttp2Cluster(String name) {
        return Any.pack(http2Cluster(name, 100).build());
    }

    /** An EDS cluster that speaks HTTP/2 with at most {@code maxStreams} streams per connection. */
    static Cluster.Builder http2Cluster(String name, int maxStreams) {
        var options = io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.newBuilder()
                .setExplicitHttpConfig(io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                        .ExplicitHttpConfig.newBuilder()
                        .setHttp2ProtocolOptions(io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions.newBuilder()
                                .setMaxConcurrentStreams(UInt32Value.of(maxStreams))))
                .build();
        return Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ADS))
                .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(1))
                .putTypedExtensionProtocolOptions("envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                        Any.pack(options));
    }

    /** An EDS cluster using the client's protocol upstream (Istio's useClientProtocol, PassthroughCluster). */
    static Any edsDownstreamProtocolCluster(String name) {
        var options = io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.newBuilder()
                .setUseDownstreamProtocolConfig(io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                        .UseDownstreamHttpConfig.newBuilder()
                        .setHttpProtocolOptions(io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions.getDefaultInstance())
                        .setHttp2ProtocolOptions(io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions.getDefaultInstance()))
                .build();
        return Any.pack(Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ADS))
                .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(1))
                .putTypedExtensionProtocolOptions("envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                        Any.pack(options))
                .build());
    }

    static Any endpoints(String cluster, int... ports) {
        LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder();
        for (int port : ports) {
            locality.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder()
                    .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                            .setAddress("127.0.0.1").setPortValue(port)))));
        }
        return Any.pack(ClusterLoadAssignment.newBuilder().setClusterName(cluster).addEndpoints(locality).build());
    }
}
