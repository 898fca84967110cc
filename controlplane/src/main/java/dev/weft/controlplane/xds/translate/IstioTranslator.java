package dev.weft.controlplane.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import dev.weft.controlplane.xds.ProxyNode;
import dev.weft.controlplane.xds.ResourceType;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Istio's model translated to Envoy's, per proxy: clusters ({@link ClusterBuilder}), endpoints
 * ({@link EndpointBuilder}), listeners ({@link SidecarListeners}, {@link GatewayListeners},
 * {@link ListenerBuilder} for proxyless gRPC) and routes ({@link RouteBuilder}). Pure: the same
 * snapshot and proxy give the same resources; every list is sorted or in configuration order.
 */
public final class IstioTranslator implements MeshTranslator {

  @Override
  public ProxyResources translate(MeshSnapshot snapshot, ProxyNode proxy) {
    ProxyScope scope = new ProxyScope(snapshot, proxy);
    List<ClusterBuilder.Built> clusters = ClusterBuilder.build(scope);
    Map<String, Any> cds = new TreeMap<>();
    Map<String, Any> eds = new TreeMap<>();
    for (ClusterBuilder.Built b : clusters) {
      cds.put(b.cluster().getName(), Any.pack(b.cluster()));
      if (b.eds()) {
        eds.put(b.cluster().getName(), Any.pack(EndpointBuilder.build(b.cluster().getName(), b.port(), b.subsetLabels(),
            scope.endpoints(b.service().hostname()))));
      }
    }
    Map<String, RouteConfiguration> routes;
    Map<String, Listener> listeners;
    switch (proxy.type()) {
      case SIDECAR -> {
        routes = RouteBuilder.sidecar(scope);
        listeners = SidecarListeners.build(scope);
      }
      case ROUTER -> {
        routes = RouteBuilder.gateway(scope);
        listeners = GatewayListeners.build(scope);
      }
      case PROXYLESS_GRPC -> {
        routes = RouteBuilder.proxyless(scope);
        listeners = ListenerBuilder.proxyless(scope, routes);
      }
      default -> throw new IllegalStateException("unknown proxy type " + proxy.type());
    }
    Map<ResourceType, Map<String, Any>> out = new EnumMap<>(ResourceType.class);
    out.put(ResourceType.CLUSTER, cds);
    out.put(ResourceType.ENDPOINT, eds);
    out.put(ResourceType.LISTENER, pack(listeners));
    out.put(ResourceType.ROUTE, pack(routes));
    return new ProxyResources(out);
  }

  private static <M extends Message> Map<String, Any> pack(Map<String, M> resources) {
    Map<String, Any> out = new TreeMap<>();
    resources.forEach((name, m) -> out.put(name, Any.pack(m)));
    return out;
  }
}
