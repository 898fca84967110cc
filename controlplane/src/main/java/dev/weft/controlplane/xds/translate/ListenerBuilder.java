package dev.weft.controlplane.xds.translate;

import dev.weft.controlplane.registry.Service;
import dev.weft.controlplane.registry.ServicePort;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * LDS for proxyless gRPC clients (gRFC A27): an API listener per name a client may dial, i.e.
 * {@code <form>:<port>} for every form of every HTTP service port ({@code xds:///reviews:9080}
 * asks for the listener {@code reviews:9080}). Sidecar and gateway listeners are
 * {@link SidecarListeners} and {@link GatewayListeners}.
 */
final class ListenerBuilder {
  private ListenerBuilder() {}

  /** The API listener names of a service port; the route configuration of each has the same name. */
  static List<String> proxylessNames(ProxyScope scope, Service s, ServicePort p) {
    return Names.hostForms(s.hostname(), scope.proxy().namespace(), scope.mesh().domainSuffix()).stream()
        .map(f -> Names.hostPort(f, p.number()))
        .toList();
  }

  static Map<String, Listener> proxyless(ProxyScope scope, Map<String, RouteConfiguration> routes) {
    Map<String, Listener> out = new TreeMap<>();
    for (Service s : scope.services()) {
      for (ServicePort p : s.ports()) {
        if (!p.protocol().isHttp()) {
          continue;
        }
        for (String name : proxylessNames(scope, s, p)) {
          RouteConfiguration rc = routes.get(name);
          HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
              .setRds(Rds.newBuilder().setConfigSource(Protos.ADS_PLAIN).setRouteConfigName(name))
              .addAllHttpFilters(Filters.grpcFilters(rc != null && injectsFaults(rc)))
              .build();
          out.put(name, Listener.newBuilder().setName(name)
              .setApiListener(ApiListener.newBuilder().setApiListener(Protos.any(hcm)))
              .build());
        }
      }
    }
    return out;
  }

  private static boolean injectsFaults(RouteConfiguration rc) {
    return rc.getVirtualHostsList().stream().flatMap(v -> v.getRoutesList().stream())
        .anyMatch(r -> r.containsTypedPerFilterConfig(Faults.FILTER));
  }
}
