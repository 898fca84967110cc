package dev.weft.controlplane.testing;

import com.google.protobuf.Any;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.virtualservice.VirtualService;
import dev.weft.controlplane.registry.Endpoint;
import dev.weft.controlplane.registry.Service;
import dev.weft.controlplane.registry.ServicePort;
import dev.weft.controlplane.xds.ProxyNode;
import dev.weft.controlplane.xds.ResourceType;
import dev.weft.controlplane.xds.translate.MeshSnapshot;
import dev.weft.controlplane.xds.translate.MeshTranslator;
import dev.weft.controlplane.xds.translate.ProxyResources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
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
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deliberately small stand-in for translation, for tests of the wiring: every proxy gets, per
 * service port, an EDS cluster {@code outbound|PORT||HOST} with its endpoints, a listener
 * {@code 0.0.0.0_PORT} whose routes come from RDS {@code PORT}, and a route configuration with a
 * virtual host per service and per mesh VirtualService (so a VirtualService change changes RDS).
 * Deterministic: the same snapshot gives the same resources.
 */
public final class TestTranslator implements MeshTranslator {
  private static final ConfigSource ADS = ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance()).build();
  public final AtomicInteger calls = new AtomicInteger();

  @Override
  public ProxyResources translate(MeshSnapshot snapshot, ProxyNode proxy) {
    calls.incrementAndGet();
    Map<String, Any> clusters = new TreeMap<>();
    Map<String, Any> endpoints = new TreeMap<>();
    Map<Integer, RouteConfiguration.Builder> routes = new TreeMap<>();
    for (Service s : snapshot.services()) {
      for (ServicePort port : s.ports()) {
        String name = "outbound|" + port.number() + "||" + s.hostname();
        clusters.put(name, Any.pack(Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS)
            .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ADS).setServiceName(name)).build()));
        LocalityLbEndpoints.Builder lb = LocalityLbEndpoints.newBuilder();
        for (Endpoint e : snapshot.endpointsOf(s.hostname())) {
          Integer target = e.ports().get(port.name());
          lb.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
              .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(e.address())
                  .setPortValue(target == null ? port.number() : target)))));
        }
        endpoints.put(name, Any.pack(ClusterLoadAssignment.newBuilder().setClusterName(name).addEndpoints(lb).build()));
        routes.computeIfAbsent(port.number(), p -> RouteConfiguration.newBuilder().setName(Integer.toString(p)))
            .addVirtualHosts(VirtualHost.newBuilder().setName(s.hostname() + ":" + port.number()).addDomains(s.hostname())
                .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                    .setRoute(RouteAction.newBuilder().setCluster(name))));
      }
    }
    for (Resource<VirtualService> vs : snapshot.config().all(Kind.VIRTUAL_SERVICE, VirtualService.class)) {
      for (RouteConfiguration.Builder rc : routes.values()) {
        rc.addVirtualHosts(VirtualHost.newBuilder().setName("vs:" + vs.namespace() + "/" + vs.name() + "#" + Integer.toHexString(vs.spec().toString().hashCode()))
            .addAllDomains(vs.spec().fqdnHosts(vs.namespace())));
      }
    }
    Map<String, Any> listeners = new TreeMap<>();
    Map<String, Any> routeConfigs = new TreeMap<>();
    routes.forEach((port, rc) -> {
      HttpConnectionManager hcm = HttpConnectionManager.newBuilder().setStatPrefix("outbound_" + port)
          .setRds(Rds.newBuilder().setConfigSource(ADS).setRouteConfigName(rc.getName())).build();
      String name = "0.0.0.0_" + port;
      listeners.put(name, Any.pack(Listener.newBuilder().setName(name)
          .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(port)))
          .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder().setName("envoy.filters.network.http_connection_manager")
              .setTypedConfig(Any.pack(hcm))))
          .build()));
      routeConfigs.put(rc.getName(), Any.pack(rc.build()));
    });
    Map<ResourceType, Map<String, Any>> out = new EnumMap<>(ResourceType.class);
    out.put(ResourceType.CLUSTER, clusters);
    out.put(ResourceType.ENDPOINT, endpoints);
    out.put(ResourceType.LISTENER, listeners);
    out.put(ResourceType.ROUTE, routeConfigs);
    return new ProxyResources(new LinkedHashMap<>(out));
  }
}
