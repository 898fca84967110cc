package dev.weft.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import dev.weft.proxy.route.RouteTable;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Envoy protos to domain records, and the exact error text a refused resource is NACKed with. */
class ConvertersTest {

    private static Route route(String cluster) {
        return Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(RouteAction.newBuilder().setCluster(cluster)).build();
    }

    @Test
    void routeConfigurationErrorsNameTheField() {
        RouteConfiguration badRegex = RouteConfiguration.newBuilder().setName("r")
                .addVirtualHosts(VirtualHost.newBuilder().setName("v").addDomains("*")
                        .addRoutes(route("a"))
                        .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder()
                                .setSafeRegex(RegexMatcher.newBuilder().setRegex("[a-")))
                                .setRoute(RouteAction.newBuilder().setCluster("a"))))
                .build();
        assertThatThrownBy(() -> RouteConverter.convert(badRegex)).isInstanceOf(ConversionException.class)
                .hasMessage("virtual_hosts[0].routes[1].match.safe_regex.regex: invalid regex '[a-': "
                        + "missing closing ]");

        RouteConfiguration duplicate = RouteConfiguration.newBuilder().setName("r")
                .addVirtualHosts(VirtualHost.newBuilder().setName("one").addDomains("a.com").addRoutes(route("a")))
                .addVirtualHosts(VirtualHost.newBuilder().setName("two").addDomains("A.com").addRoutes(route("a")))
                .build();
        assertThatThrownBy(() -> RouteConverter.convert(duplicate)).hasMessage("virtual_hosts[1].domains: only "
                + "unique values for domains are permitted; duplicate entry of domain A.com (also in virtual host one)");

        RouteConfiguration zeroWeights = RouteConfiguration.newBuilder().setName("r")
                .addVirtualHosts(VirtualHost.newBuilder().setName("v").addDomains("*")
                        .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                                .setRoute(RouteAction.newBuilder().setWeightedClusters(WeightedCluster.newBuilder()
                                        .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("a")
                                                .setWeight(UInt32Value.of(0)))))))
                .build();
        assertThatThrownBy(() -> RouteConverter.convert(zeroWeights)).hasMessage("virtual_hosts[0].routes[0].route"
                + ".weighted_clusters: sum of weights in the weighted_cluster must be greater than 0 and fit in 32 "
                + "bits, not 0");

        RouteConfiguration runtime = RouteConfiguration.newBuilder().setName("r")
                .addVirtualHosts(VirtualHost.newBuilder().setName("v").addDomains("*")
                        .addRoutes(route("a").toBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/")
                                .setRuntimeFraction(io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent
                                        .getDefaultInstance()))))
                .build();
        assertThatThrownBy(() -> RouteConverter.convert(runtime))
                .hasMessage("virtual_hosts[0].routes[0].match.runtime_fraction: not supported by weft-proxy yet");
    }

    @Test
    void perRouteFilterConfigsReplaceTheFiltersOwnOrAreRefused() throws ConversionException {
        var fault = io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault.newBuilder()
                .setAbort(io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort.newBuilder()
                        .setHttpStatus(500))
                .build();
        RouteTable table = RouteConverter.convert(RouteConfiguration.newBuilder().setName("r")
                .addVirtualHosts(VirtualHost.newBuilder().setName("v").addDomains("*")
                        .addRoutes(route("a").toBuilder()
                                .putTypedPerFilterConfig("envoy.filters.http.fault", Any.pack(fault))))
                .build());
        var override = table.virtualHosts().getFirst().routes().getFirst().filterOverrides()
                .get("envoy.filters.http.fault");
        assertThat(override).isInstanceOf(dev.weft.proxy.http.filter.FaultConfig.class);
        assertThat(((dev.weft.proxy.http.filter.FaultConfig) override).abort().orElseThrow().httpStatus())
                .isEqualTo(500);

        RouteConfiguration cors = RouteConfiguration.newBuilder().setName("r")
                .addVirtualHosts(VirtualHost.newBuilder().setName("v").addDomains("*")
                        .putTypedPerFilterConfig("envoy.filters.http.cors", Any.pack(
                                io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy.getDefaultInstance()))
                        .addRoutes(route("a")))
                .build();
        var corsOverride = RouteConverter.convert(cors).virtualHosts().getFirst().routes().getFirst().filterOverrides()
                .get("envoy.filters.http.cors");
        assertThat(corsOverride).isInstanceOf(dev.weft.proxy.http.filter.CorsConfig.class);
        assertThat(((dev.weft.proxy.http.filter.CorsConfig) corsOverride).policy()).isPresent();
    }

    @Test
    void routeDefaultsFollowEnvoy() throws ConversionException {
        RouteTable table = RouteConverter.convert(RouteConfiguration.newBuilder().setName("r")
                .addVirtualHosts(VirtualHost.newBuilder().setName("v").addDomains("*").addRoutes(route("a")))
                .build());
        var action = (dev.weft.proxy.route.RouteAction.Forward) table.virtualHosts().getFirst().routes().getFirst()
                .action();
        assertThat(action.timeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(table.referencedClusters()).containsExactly("a");
    }

    @Test
    void listenerWithHttpConnectionManager() throws ConversionException {
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder().setStatPrefix("in")
                .setRds(Rds.newBuilder().setRouteConfigName("routes"))
                .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
                        .setTypedConfig(Any.pack(Router.getDefaultInstance())))
                .build();
        Listener listener = Listener.newBuilder().setName("l")
                .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                        .setAddress("127.0.0.1").setPortValue(8080)))
                .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
                        .setName("envoy.filters.network.http_connection_manager").setTypedConfig(Any.pack(hcm))))
                .build();
        ListenerConfig config = ListenerConverter.convert(listener);
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.bindToPort()).isTrue();
        assertThat(ListenerConverter.convert(listener.toBuilder().setBindToPort(
                com.google.protobuf.BoolValue.of(false)).build()).bindToPort()).isFalse();
        assertThat(config.rdsNames()).containsExactly("routes");
        assertThat(config.http().orElseThrow().limits().maxRequestHeadersKb()).isEqualTo(60);

        HttpConnectionManager unknownFilter = hcm.toBuilder().clearHttpFilters()
                .addHttpFilters(HttpFilter.newBuilder().setName("acme.auth")
                        .setTypedConfig(Any.pack(com.google.protobuf.Empty.getDefaultInstance())))
                .addHttpFilters(hcm.getHttpFilters(0))
                .build();
        Listener withUnknown = listener.toBuilder().setFilterChains(0, FilterChain.newBuilder().addFilters(
                Filter.newBuilder().setName("hcm").setTypedConfig(Any.pack(unknownFilter)))).build();
        assertThatThrownBy(() -> ListenerConverter.convert(withUnknown)).hasMessage("filter_chains[0].filters[0]"
                + ".typed_config.http_filters[0]: unsupported http filter 'acme.auth' of type "
                + "type.googleapis.com/google.protobuf.Empty (set is_optional to skip it)");

        HttpConnectionManager routerFirst = hcm.toBuilder().addHttpFilters(HttpFilter.newBuilder()
                .setName("optional.thing").setIsOptional(true)
                .setTypedConfig(Any.pack(com.google.protobuf.Empty.getDefaultInstance()))).build();
        Listener routerNotLast = listener.toBuilder().setFilterChains(0, FilterChain.newBuilder().addFilters(
                Filter.newBuilder().setName("hcm").setTypedConfig(Any.pack(routerFirst)))).build();
        assertThatThrownBy(() -> ListenerConverter.convert(routerNotLast)).hasMessage("filter_chains[0].filters[0]"
                + ".typed_config.http_filters[0]: terminal filter named envoy.filters.http.router must be the last "
                + "filter in a http filter chain");
    }

    @Test
    void clusterAndEndpoints() throws ConversionException {
        ClusterConfig cluster = ClusterConverter.convert(Cluster.newBuilder().setName("c")
                .setType(Cluster.DiscoveryType.EDS)
                .setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST)
                .setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(CircuitBreakers.Thresholds.newBuilder()
                        .setMaxConnections(UInt32Value.of(7))))
                .build());
        assertThat(cluster.edsName()).isEqualTo("c");
        assertThat(cluster.lbPolicy()).isEqualTo(ClusterConfig.LbPolicy.LEAST_REQUEST);
        assertThat(cluster.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(cluster.limits()).isEqualTo(new ClusterConfig.Limits(7, 1024, 1024, 3));

        // Istio writes "no limit" as the largest uint32, which Java reads as -1.
        ClusterConfig unlimited = ClusterConverter.convert(Cluster.newBuilder().setName("u")
                .setType(Cluster.DiscoveryType.EDS)
                .setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(CircuitBreakers.Thresholds.newBuilder()
                        .setMaxConnections(UInt32Value.of(-1)).setMaxRequests(UInt32Value.of(-1))
                        .setMaxPendingRequests(UInt32Value.of(-1)).setMaxRetries(UInt32Value.of(-1))))
                .build());
        assertThat(unlimited.limits()).isEqualTo(new ClusterConfig.Limits(
                Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE));

        EndpointsConfig endpoints = EndpointConverter.convert(ClusterLoadAssignment.newBuilder().setClusterName("c")
                .addEndpoints(LocalityLbEndpoints.newBuilder().setPriority(1)
                        .addLbEndpoints(LbEndpoint.newBuilder().setHealthStatus(HealthStatus.UNHEALTHY)
                                .setLoadBalancingWeight(UInt32Value.of(5))
                                .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
                                        .setSocketAddress(SocketAddress.newBuilder().setAddress("10.0.0.1")
                                                .setPortValue(80))))))
                .build());
        EndpointsConfig.EndpointConfig endpoint = endpoints.endpoints().getFirst();
        assertThat(endpoint.address()).isEqualTo("10.0.0.1:80");
        assertThat(endpoint.weight()).isEqualTo(5);
        assertThat(endpoint.priority()).isEqualTo(1);
        assertThat(endpoint.health().routable()).isFalse();

        assertThatThrownBy(() -> EndpointConverter.convert(ClusterLoadAssignment.newBuilder().setClusterName("c")
                .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
                        .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder().setSocketAddress(
                                SocketAddress.newBuilder().setAddress("10.0.0.1")))))).build()))
                .hasMessage("endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value: must be "
                        + "1-65535, not 0");
    }
}
