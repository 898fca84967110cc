package dev.weft.controlplane.xds.translate;

import dev.weft.config.model.Hosts;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.virtualservice.VirtualService;
import dev.weft.controlplane.registry.Service;
import dev.weft.controlplane.registry.ServicePort;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * RDS (Istio's httproute.go): for sidecars one route configuration per HTTP port ({@code 9080})
 * with a virtual host per service on that port and the {@code allow_any} (or {@code block_all})
 * catch-all; for gateways {@code http.<port>} and per terminated HTTPS server
 * {@code https.<port>.<name>.<gateway>.<ns>}; for proxyless gRPC one per API listener, named as it.
 */
final class RouteBuilder {
  private RouteBuilder() {}

  static final List<String> MESH = List.of(VirtualService.MESH_GATEWAY);

  static Map<String, RouteConfiguration> sidecar(ProxyScope scope) {
    Map<String, RouteConfiguration> out = new TreeMap<>();
    for (int port : httpPorts(scope)) {
      String name = Integer.toString(port);
      List<VirtualHost> vhosts = serviceVirtualHosts(scope, port, false);
      vhosts.add(scope.allowAny() ? allowAny() : blockAll());
      out.put(name, config(name, vhosts));
    }
    return out;
  }

  /** The HTTP ports of the services the proxy sees, ascending. */
  static TreeSet<Integer> httpPorts(ProxyScope scope) {
    TreeSet<Integer> ports = new TreeSet<>();
    for (Service s : scope.services()) {
      for (ServicePort p : s.ports()) {
        if (p.protocol().isHttp()) {
          ports.add(p.number());
        }
      }
    }
    return ports;
  }

  /** One virtual host per service with an HTTP port {@code port}; a domain already taken is left out. */
  private static List<VirtualHost> serviceVirtualHosts(ProxyScope scope, int port, boolean proxyless) {
    List<VirtualHost> out = new ArrayList<>();
    Set<String> taken = new HashSet<>();
    for (Service s : scope.services()) {
      for (ServicePort p : s.ports()) {
        if (p.number() == port && p.protocol().isHttp()) {
          VirtualHost vh = serviceVirtualHost(scope, s, p, proxyless, taken);
          if (vh.getDomainsCount() > 0) {
            out.add(vh);
          }
        }
      }
    }
    return out;
  }

  /** {@code host:port}: every name of the service, routes of its VirtualService or the default route. */
  static VirtualHost serviceVirtualHost(ProxyScope scope, Service s, ServicePort p, boolean proxyless, Set<String> taken) {
    HttpRoutes.Context ctx = new HttpRoutes.Context(scope, p.number(), MESH, proxyless);
    List<Route> routes = virtualServiceFor(scope, s.hostname()).map(vs -> HttpRoutes.translate(ctx, vs)).orElse(List.of());
    if (routes.isEmpty()) {
      routes = List.of(HttpRoutes.defaultRoute(ctx, s, p));
    }
    List<String> forms = new ArrayList<>(Names.hostForms(s.hostname(), scope.proxy().namespace(), scope.mesh().domainSuffix()));
    forms.addAll(s.addresses().stream().filter(a -> !a.contains("/")).toList());
    VirtualHost.Builder vh = VirtualHost.newBuilder().setName(Names.hostPort(s.hostname(), p.number()));
    for (String d : Names.domains(forms, p.number())) {
      if (taken.add(d)) {
        vh.addDomains(d);
      }
    }
    vh.addAllRoutes(routes);
    if (!proxyless) {
      vh.setIncludeRequestAttemptCount(true);
    }
    return vh.build();
  }

  /** The mesh VirtualService for a host: one naming it exactly, else the most specific wildcard. */
  static Optional<Resource<VirtualService>> virtualServiceFor(ProxyScope scope, String hostname) {
    Resource<VirtualService> best = null;
    int bestLen = -1;
    for (Resource<VirtualService> vs : scope.virtualServices(null)) {
      for (String h : vs.spec().fqdnHosts(vs.namespace())) {
        if (h.equals(hostname)) {
          return Optional.of(vs);
        }
        if (Hosts.matches(h, hostname) && h.length() > bestLen) {
          best = vs;
          bestLen = h.length();
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /** Istio's allow_any: requests for hosts the proxy does not know go where they were going. */
  static VirtualHost allowAny() {
    RouteAction.Builder action = RouteAction.newBuilder().setCluster(Names.PASSTHROUGH).setTimeout(Protos.ZERO)
        .setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder()
            .setMaxStreamDuration(Protos.ZERO).setGrpcTimeoutHeaderMax(Protos.ZERO));
    return VirtualHost.newBuilder().setName("allow_any").addDomains("*")
        .addRoutes(Route.newBuilder().setName("allow_any").setMatch(RouteMatches.catchAll()).setRoute(action))
        .setIncludeRequestAttemptCount(true)
        .build();
  }

  /** Istio's block_all under REGISTRY_ONLY: unknown hosts get 502. */
  static VirtualHost blockAll() {
    return VirtualHost.newBuilder().setName("block_all").addDomains("*")
        .addRoutes(Route.newBuilder().setName("block_all").setMatch(RouteMatches.catchAll())
            .setDirectResponse(DirectResponseAction.newBuilder().setStatus(502)))
        .setIncludeRequestAttemptCount(true)
        .build();
  }

  static RouteConfiguration config(String name, List<VirtualHost> vhosts) {
    return RouteConfiguration.newBuilder().setName(name).addAllVirtualHosts(vhosts)
        .setValidateClusters(com.google.protobuf.BoolValue.of(false))
        .build();
  }

  // ---- gateways ----

  static Map<String, RouteConfiguration> gateway(ProxyScope scope) {
    Map<String, RouteConfiguration> out = new TreeMap<>();
    GatewayServers.byPort(scope).forEach((port, servers) -> {
      List<GatewayServers.Server> http = servers.stream().filter(s -> s.mode() == GatewayServers.Mode.HTTP).toList();
      if (!http.isEmpty()) {
        String name = "http." + port;
        out.put(name, config(name, gatewayVirtualHosts(scope, port, http)));
      }
      for (GatewayServers.Server s : servers) {
        if (s.mode() == GatewayServers.Mode.HTTPS) {
          out.put(s.httpsRouteName(), config(s.httpsRouteName(), gatewayVirtualHosts(scope, port, List.of(s))));
        }
      }
    });
    return out;
  }

  /**
   * Virtual hosts of gateway servers: per host a VirtualService bound to the gateway shares with a
   * server, the VirtualService's routes (those of several VirtualServices for one host concatenated,
   * in order). Istio's domains: the host and {@code host:*} (any port), {@code *} alone for "*".
   */
  private static List<VirtualHost> gatewayVirtualHosts(ProxyScope scope, int port, List<GatewayServers.Server> servers) {
    Map<String, VirtualHost.Builder> byHost = new LinkedHashMap<>();
    Map<String, Set<String>> seenVs = new TreeMap<>();
    for (GatewayServers.Server server : servers) {
      List<String> keys = List.of(server.gatewayKey());
      HttpRoutes.Context ctx = new HttpRoutes.Context(scope, port, keys, false);
      boolean redirect = server.server().tls() != null && server.server().tls().httpsRedirect();
      for (Resource<VirtualService> vs : scope.virtualServices(keys)) {
        for (String vsHost : vs.spec().fqdnHosts(vs.namespace())) {
          for (int i = 0; i < server.server().hosts().size(); i++) {
            String entry = server.server().hosts().get(i);
            String common = GatewayServers.intersect(server.hosts().get(i), vsHost);
            if (common == null || !server.namespaceAllows(entry, vs.namespace())) {
              continue;
            }
            if (!seenVs.computeIfAbsent(common, k -> new HashSet<>()).add(vs.key().toString())) {
              continue;
            }
            VirtualHost.Builder vh = byHost.computeIfAbsent(common, h -> {
              VirtualHost.Builder b = VirtualHost.newBuilder().setName(Names.hostPort(h, port)).addDomains(h);
              if (!h.equals("*")) {
                b.addDomains(h + ":*");
              }
              return b;
            });
            vh.addAllRoutes(HttpRoutes.translate(ctx, vs));
            if (redirect) {
              vh.setRequireTls(VirtualHost.TlsRequirementType.ALL);
            }
          }
        }
      }
    }
    List<VirtualHost> out = new ArrayList<>();
    new TreeMap<>(byHost).forEach((h, b) -> out.add(b.build()));
    if (out.isEmpty()) {
      // Istio: no VirtualService for the server: a virtual host without routes answers 404.
      out.add(VirtualHost.newBuilder().setName("blackhole:" + port).addDomains("*").build());
    }
    return out;
  }

  // ---- proxyless gRPC ----

  /** One route configuration per API listener (see {@link ListenerBuilder#proxylessNames}). */
  static Map<String, RouteConfiguration> proxyless(ProxyScope scope) {
    Map<String, RouteConfiguration> out = new TreeMap<>();
    for (Service s : scope.services()) {
      for (ServicePort p : s.ports()) {
        if (!p.protocol().isHttp()) {
          continue;
        }
        VirtualHost vh = serviceVirtualHost(scope, s, p, true, new HashSet<>());
        for (String name : ListenerBuilder.proxylessNames(scope, s, p)) {
          out.put(name, config(name, List.of(vh)));
        }
      }
    }
    return out;
  }
}
