package dev.weft.controlplane.xds.translate;

import dev.weft.controlplane.registry.Service;
import dev.weft.controlplane.registry.ServicePort;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A sidecar's listeners under Istio's {@code INTERCEPTION_MODE: NONE} (no iptables; see
 * {@link Interception}): nothing is captured, so instead of virtualOutbound/virtualInbound
 * <ul>
 *   <li>an inbound listener {@code <ip>_<port>} bound on the workload's own address (the first of
 *       its INSTANCE_IPS / node id) per port of its services, to {@code inbound|<port>||} (the
 *       application, where {@code WEFT_APP_PORTS} says it listens);</li>
 *   <li>with {@code HTTP_PROXY_PORT}, a listener {@code <ip>_<HTTP_PROXY_PORT>} whose connection
 *       manager accepts absolute-form requests and routes by route config {@code http_proxy}: every
 *       reachable HTTP service under the names a client may use, each with its port
 *       ({@code reviews:9080}, {@code reviews.default.svc.cluster.local:9080}, ...), so an
 *       application with {@code HTTP_PROXY=http://<ip>:<port>} reaches services by name without DNS.</li>
 * </ul>
 * Pure functions of the proxy's scope, like the other builders.
 */
final class NoneModeListeners {
  private NoneModeListeners() {}

  static final String HTTP_PROXY_ROUTE = "http_proxy";

  /** The workload's address: where its listeners bind (loopback when the node names none). */
  static String workloadAddress(ProxyScope scope) {
    return scope.proxy().ipAddresses().isEmpty() ? "127.0.0.1" : scope.proxy().ipAddresses().getFirst();
  }

  /** The inbound listeners on the workload's address (NONE mode only). */
  static Map<String, Listener> inbound(ProxyScope scope, Interception interception) {
    Map<String, Listener> out = new TreeMap<>();
    String ip = workloadAddress(scope);
    Set<Integer> seen = new HashSet<>();
    for (Service s : scope.workloadServices()) {
      for (ServicePort p : s.ports()) {
        int target = scope.targetPort(s, p);
        if (target == interception.httpProxyPort() || !seen.add(target)) {
          continue;
        }
        String name = Names.listener(ip, target);
        out.put(name, Listener.newBuilder().setName(name).setAddress(Protos.socket(ip, target))
            .setTrafficDirection(TrafficDirection.INBOUND)
            .addFilterChains(SidecarListeners.inboundChain(scope.mesh(), s, p, target, name))
            .build());
      }
    }
    return out;
  }

  /** The HTTP_PROXY listener (none without HTTP_PROXY_PORT). */
  static Map<String, Listener> httpProxy(ProxyScope scope, Interception interception) {
    Map<String, Listener> out = new TreeMap<>();
    String ip = workloadAddress(scope);
    if (interception.httpProxyPort() > 0) {
      String name = Names.listener(ip, interception.httpProxyPort());
      out.put(name, Listener.newBuilder().setName(name).setAddress(Protos.socket(ip, interception.httpProxyPort()))
          .setTrafficDirection(TrafficDirection.OUTBOUND)
          .addFilterChains(FilterChain.newBuilder().addFilters(Filters.httpProxyHcm(scope.mesh(), "outbound_" + name, HTTP_PROXY_ROUTE)))
          .build());
    }
    return out;
  }

  /**
   * Route config {@code http_proxy}: a virtual host per HTTP service port the proxy sees, with the
   * routes its VirtualService gives for that port, named by every form of the host with the port
   * (and without it for port 80, which an absolute URL may leave out), then allow_any/block_all.
   */
  static RouteConfiguration httpProxyRoutes(ProxyScope scope) {
    List<VirtualHost> vhosts = new ArrayList<>();
    Set<String> taken = new HashSet<>();
    for (Service s : scope.services()) {
      for (ServicePort p : s.ports()) {
        if (!p.protocol().isHttp()) {
          continue;
        }
        VirtualHost vh = RouteBuilder.serviceVirtualHost(scope, s, p, false, new HashSet<>());
        VirtualHost.Builder b = vh.toBuilder().clearDomains();
        for (String d : vh.getDomainsList()) {
          boolean withPort = d.endsWith(":" + p.number());
          if ((withPort || p.number() == 80) && taken.add(d)) {
            b.addDomains(d);
          }
        }
        if (b.getDomainsCount() > 0) {
          vhosts.add(b.build());
        }
      }
    }
    vhosts.add(scope.allowAny() ? RouteBuilder.allowAny() : RouteBuilder.blockAll());
    return RouteBuilder.config(HTTP_PROXY_ROUTE, vhosts);
  }
}
