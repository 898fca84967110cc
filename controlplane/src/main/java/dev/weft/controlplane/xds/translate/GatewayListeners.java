package dev.weft.controlplane.xds.translate;

import dev.weft.config.model.Resource;
import dev.weft.config.networking.virtualservice.VirtualService;
import dev.weft.controlplane.registry.Service;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A gateway's listeners (Istio's gateway.go): one {@code 0.0.0.0_<port>} per server port of the
 * Gateways selecting it. Plain HTTP servers share a chain with RDS {@code http.<port>}; each
 * terminated HTTPS server has a chain matching its hosts by SNI with its TLS context and RDS
 * {@code https.<port>.<name>.<gateway>.<ns>}; passthrough TLS goes by SNI to the VirtualService tls
 * routes, TCP to the first tcp route.
 */
final class GatewayListeners {
  private GatewayListeners() {}

  static final List<String> HTTPS_ALPN = List.of("h2", "http/1.1");

  static Map<String, Listener> build(ProxyScope scope) {
    Map<String, Listener> out = new TreeMap<>();
    String bind = Interception.of(scope.proxy()).bindAddress().isEmpty() ? "0.0.0.0" : Interception.of(scope.proxy()).bindAddress();
    GatewayServers.byPort(scope).forEach((port, servers) -> {
      String name = Names.listener("0.0.0.0", port);
      Listener.Builder l = Listener.newBuilder().setName(name).setAddress(Protos.socket(bind, port))
          .setTrafficDirection(TrafficDirection.OUTBOUND);
      Set<FilterChainMatch> used = new HashSet<>();
      boolean tls = false;
      boolean plainHttp = false;
      for (GatewayServers.Server s : servers) {
        switch (s.mode()) {
          case HTTP -> {
            if (!plainHttp) {
              plainHttp = true;
              add(l, used, FilterChain.newBuilder()
                  .addFilters(Filters.hcm(scope.mesh(), "outbound_" + name, "http." + port, Filters.Side.GATEWAY)).build());
            }
          }
          case HTTPS -> {
            tls = true;
            DownstreamTlsContext ctx = TlsContexts.downstream(s.server().tls(), HTTPS_ALPN);
            add(l, used, FilterChain.newBuilder()
                .setFilterChainMatch(sni(s.hosts()))
                .setTransportSocket(TlsContexts.socket(ctx))
                .addFilters(Filters.hcm(scope.mesh(), "outbound_" + name, s.httpsRouteName(), Filters.Side.GATEWAY)).build());
          }
          case TLS_PASSTHROUGH -> {
            tls = true;
            passthrough(scope, s, l, used);
          }
          case TCP -> tcp(scope, s, l, used);
        }
      }
      if (tls) {
        l.addListenerFilters(Filters.tlsInspector());
      }
      if (l.getFilterChainsCount() > 0) {
        out.put(name, l.build());
      }
    });
    return out;
  }

  private static void add(Listener.Builder l, Set<FilterChainMatch> used, FilterChain chain) {
    if (used.add(chain.getFilterChainMatch())) {
      l.addFilterChains(chain);
    }
  }

  /** SNI names of a server's hosts; "*" matches any (no server_names). */
  private static FilterChainMatch sni(List<String> hosts) {
    FilterChainMatch.Builder m = FilterChainMatch.newBuilder();
    if (!hosts.contains("*")) {
      m.addAllServerNames(hosts);
    }
    return m.build();
  }

  /** PASSTHROUGH: each tls route's SNI hosts (within the server's) to its destinations, TLS untouched. */
  private static void passthrough(ProxyScope scope, GatewayServers.Server s, Listener.Builder l, Set<FilterChainMatch> used) {
    for (Resource<VirtualService> vs : scope.virtualServices(List.of(s.gatewayKey()))) {
      for (VirtualService.TlsRoute route : vs.spec().tls()) {
        for (VirtualService.TlsMatchAttributes m : route.match()) {
          if (route.route().isEmpty() || m.port() != null && m.port() != s.port() || !bound(m.gateways(), s, vs)) {
            continue;
          }
          List<String> sni = m.sniHosts().stream()
              .filter(h -> s.hosts().stream().anyMatch(sh -> GatewayServers.intersect(sh, h) != null)).toList();
          if (sni.isEmpty()) {
            continue;
          }
          add(l, used, FilterChain.newBuilder()
              .setFilterChainMatch(FilterChainMatch.newBuilder().addAllServerNames(sni))
              .addFilters(Filters.tcpProxy(route.route(), cluster(scope, vs, s.port()))).build());
        }
      }
    }
  }

  /** TCP: the first tcp route (of the VirtualServices bound to the gateway) that applies to the port. */
  private static void tcp(ProxyScope scope, GatewayServers.Server s, Listener.Builder l, Set<FilterChainMatch> used) {
    for (Resource<VirtualService> vs : scope.virtualServices(List.of(s.gatewayKey()))) {
      for (VirtualService.TcpRoute route : vs.spec().tcp()) {
        boolean applies = route.match().isEmpty() || route.match().stream()
            .anyMatch(m -> (m.port() == null || m.port() == s.port()) && bound(m.gateways(), s, vs));
        if (applies && !route.route().isEmpty()) {
          add(l, used, FilterChain.newBuilder().addFilters(Filters.tcpProxy(route.route(), cluster(scope, vs, s.port()))).build());
          return;
        }
      }
    }
  }

  private static boolean bound(List<String> gateways, GatewayServers.Server s, Resource<VirtualService> vs) {
    return gateways.isEmpty() || gateways.stream().anyMatch(g -> ProxyScope.gatewayKey(g, vs.namespace()).equals(s.gatewayKey()));
  }

  private static Function<VirtualService.RouteDestination, String> cluster(ProxyScope scope, Resource<VirtualService> vs, int port) {
    return d -> {
      String host = d.destination().fqdn(vs.namespace());
      int p;
      if (d.destination().port() != null && d.destination().port().number() != null) {
        p = d.destination().port().number();
      } else {
        p = scope.service(host).map(Service::ports).filter(ps -> ps.size() == 1).map(ps -> ps.getFirst().number()).orElse(port);
      }
      return Names.outbound(p, d.destination().subset(), host);
    };
  }
}
