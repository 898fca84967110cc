package dev.weft.controlplane.xds.translate;

import com.google.protobuf.BoolValue;
import dev.weft.config.model.Protocol;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.virtualservice.VirtualService;
import dev.weft.controlplane.registry.Service;
import dev.weft.controlplane.registry.ServicePort;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Decorator;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A sidecar's listeners (Istio's listener.go): traffic the application sends is captured on
 * {@code virtualOutbound} (15001) and handed to the listener of its original destination port:
 * {@code 0.0.0.0_<port>} with RDS {@code <port>} for HTTP, {@code <vip|0.0.0.0>_<port>} with a
 * tcp_proxy (by SNI for TLS) otherwise; unknown destinations go to PassthroughCluster (ALLOW_ANY)
 * or BlackHoleCluster. Traffic for the workload is captured on {@code virtualInbound} (15006): a
 * filter chain per port of the workload's services, to {@code inbound|<port>||}.
 */
final class SidecarListeners {
  private SidecarListeners() {}

  static Map<String, Listener> build(ProxyScope scope) {
    Map<String, Listener> out = new TreeMap<>(outbound(scope));
    out.put(Names.VIRTUAL_INBOUND, virtualInbound(scope));
    return out;
  }

  /**
   * The listeners that depend only on what {@link ProxyScope#outboundKey} covers (the outbound
   * side and virtualOutbound): shared by the proxies of one key. {@link #build} adds virtualInbound.
   */
  static Map<String, Listener> outbound(ProxyScope scope) {
    Map<String, Listener> out = new TreeMap<>();
    for (int port : RouteBuilder.httpPorts(scope)) {
      String name = Names.listener("0.0.0.0", port);
      out.put(name, outbound(name, "0.0.0.0", port)
          .addFilterChains(FilterChain.newBuilder()
              .addFilters(Filters.hcm(scope.mesh(), "outbound_" + name, Integer.toString(port), Filters.Side.SIDECAR_OUTBOUND)))
          .build());
    }
    tcpListeners(scope, out);
    out.put(Names.VIRTUAL_OUTBOUND, virtualOutbound(scope));
    return out;
  }

  private static Listener.Builder outbound(String name, String ip, int port) {
    return Listener.newBuilder().setName(name).setAddress(Protos.socket(ip, port))
        .setTrafficDirection(TrafficDirection.OUTBOUND)
        .setBindToPort(BoolValue.of(false)); // reached through virtualOutbound's hand-off only
  }

  /**
   * TCP and TLS ports: a listener on the service's address (0.0.0.0 without one); chains by SNI for
   * TLS (VirtualService tls routes first, then the service's own host), one tcp_proxy otherwise
   * (the first applicable VirtualService tcp route, else the service's cluster). An HTTP port of
   * the same number owns 0.0.0.0_<port>; the first service (by hostname) on a shared address wins.
   */
  private static void tcpListeners(ProxyScope scope, Map<String, Listener> out) {
    Map<String, Listener.Builder> listeners = new LinkedHashMap<>();
    Map<String, Set<FilterChainMatch>> matches = new TreeMap<>();
    for (Service s : scope.services()) {
      for (ServicePort p : s.ports()) {
        if (p.protocol().isHttp() || p.protocol() == Protocol.UDP) {
          continue;
        }
        String ip = s.addresses().stream().filter(a -> !a.contains("/")).findFirst().orElse("0.0.0.0");
        String name = Names.listener(ip, p.number());
        if (out.containsKey(name)) {
          continue;
        }
        Listener.Builder l = listeners.computeIfAbsent(name, n -> outbound(n, ip, p.number()));
        Set<FilterChainMatch> used = matches.computeIfAbsent(name, n -> new HashSet<>());
        for (FilterChain chain : chains(scope, s, p)) {
          if (used.add(chain.getFilterChainMatch())) {
            l.addFilterChains(chain);
          }
        }
        if (p.protocol().isTls()) {
          if (l.getListenerFiltersCount() == 0) {
            l.addListenerFilters(Filters.tlsInspector());
          }
        }
      }
    }
    listeners.forEach((name, l) -> {
      if (l.getFilterChainsCount() > 0) {
        out.put(name, l.build());
      }
    });
  }

  private static List<FilterChain> chains(ProxyScope scope, Service s, ServicePort p) {
    List<FilterChain> out = new ArrayList<>();
    Resource<VirtualService> vs = RouteBuilder.virtualServiceFor(scope, s.hostname()).orElse(null);
    java.util.function.Function<VirtualService.RouteDestination, String> cluster = d ->
        Names.outbound(d.destination().port() != null && d.destination().port().number() != null
            ? d.destination().port().number() : p.number(), d.destination().subset(),
            d.destination().fqdn(vs == null ? s.namespace() : vs.namespace()));
    if (p.protocol().isTls()) {
      if (vs != null) {
        for (VirtualService.TlsRoute tls : vs.spec().tls()) {
          for (VirtualService.TlsMatchAttributes m : tls.match()) {
            if (appliesTo(scope, m.port(), m.sourceLabels(), m.gateways(), p.number()) && !tls.route().isEmpty()) {
              out.add(FilterChain.newBuilder()
                  .setFilterChainMatch(FilterChainMatch.newBuilder().addAllServerNames(m.sniHosts()))
                  .addFilters(Filters.tcpProxy(tls.route(), cluster))
                  .build());
            }
          }
        }
      }
      if (!s.hostname().startsWith("*")) {
        String c = Names.outbound(p.number(), null, s.hostname());
        out.add(FilterChain.newBuilder()
            .setFilterChainMatch(FilterChainMatch.newBuilder().addServerNames(s.hostname()))
            .addFilters(Filters.tcpProxy(c, c))
            .build());
      }
      return out;
    }
    if (vs != null) {
      for (VirtualService.TcpRoute tcp : vs.spec().tcp()) {
        boolean applies = tcp.match().isEmpty() || tcp.match().stream()
            .anyMatch(m -> m.destinationSubnets().isEmpty() && appliesTo(scope, m.port(), m.sourceLabels(), m.gateways(), p.number()));
        if (applies && !tcp.route().isEmpty()) {
          out.add(FilterChain.newBuilder().addFilters(Filters.tcpProxy(tcp.route(), cluster)).build());
          return out;
        }
      }
    }
    String c = Names.outbound(p.number(), null, s.hostname());
    out.add(FilterChain.newBuilder().addFilters(Filters.tcpProxy(c, c)).build());
    return out;
  }

  private static boolean appliesTo(ProxyScope scope, Integer port, Map<String, String> sourceLabels, List<String> gateways,
      int listenerPort) {
    return (port == null || port == listenerPort)
        && scope.proxy().labels().entrySet().containsAll(sourceLabels.entrySet())
        && (gateways.isEmpty() || gateways.contains(VirtualService.MESH_GATEWAY));
  }

  /**
   * virtualOutbound: every outbound connection arrives here (iptables) and is handed to the listener
   * of its original destination; what no listener takes goes to PassthroughCluster under ALLOW_ANY,
   * else BlackHoleCluster. Connections addressed to 15001 itself are dropped (a loop).
   */
  private static Listener virtualOutbound(ProxyScope scope) {
    int port = scope.mesh().outboundPort();
    String fallback = scope.allowAny() ? Names.PASSTHROUGH : Names.BLACKHOLE;
    return Listener.newBuilder().setName(Names.VIRTUAL_OUTBOUND).setAddress(Protos.socket("0.0.0.0", port))
        .setUseOriginalDst(BoolValue.of(true))
        .setTrafficDirection(TrafficDirection.OUTBOUND)
        .addFilterChains(FilterChain.newBuilder().setName("virtualOutbound-blackhole")
            .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(com.google.protobuf.UInt32Value.of(port)))
            .addFilters(Filters.tcpProxy(Names.BLACKHOLE, Names.BLACKHOLE)))
        .setDefaultFilterChain(FilterChain.newBuilder()
            .setName(scope.allowAny() ? "PassthroughFilterChain" : "BlackHoleFilterChain")
            .addFilters(Filters.tcpProxy(fallback, fallback)))
        .build();
  }

  /**
   * virtualInbound: a chain per port of the workload (by its application's port): HTTP through an
   * HTTP connection manager whose only route is the local application, anything else tcp_proxy'd
   * to it; other ports pass through to the application from 127.0.0.6.
   */
  static Listener virtualInbound(ProxyScope scope) {
    int inboundPort = scope.mesh().inboundPort();
    Listener.Builder l = Listener.newBuilder().setName(Names.VIRTUAL_INBOUND).setAddress(Protos.socket("0.0.0.0", inboundPort))
        .setTrafficDirection(TrafficDirection.INBOUND)
        .addListenerFilters(Filters.originalDst())
        .addFilterChains(FilterChain.newBuilder().setName("virtualInbound-blackhole")
            .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(com.google.protobuf.UInt32Value.of(inboundPort)))
            .addFilters(Filters.tcpProxy(Names.BLACKHOLE, Names.BLACKHOLE)));
    Set<Integer> seen = new HashSet<>();
    for (Service s : scope.workloadServices()) {
      for (ServicePort p : s.ports()) {
        int target = scope.targetPort(s, p);
        if (target == inboundPort || !seen.add(target)) {
          continue;
        }
        l.addFilterChains(inboundChain(scope.mesh(), s, p, target, Names.listener("0.0.0.0", target))
            .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(com.google.protobuf.UInt32Value.of(target))));
      }
    }
    l.setDefaultFilterChain(FilterChain.newBuilder().setName(Names.INBOUND_PASSTHROUGH)
        .addFilters(Filters.tcpProxy(Names.INBOUND_PASSTHROUGH, Names.INBOUND_PASSTHROUGH)));
    return l.build();
  }

  /**
   * The chain of one inbound port: HTTP through an HTTP connection manager whose only route is the
   * local application ({@code inbound|<target>||}), anything else tcp_proxy'd to it.
   */
  static FilterChain.Builder inboundChain(MeshSettings mesh, Service s, ServicePort p, int target, String chainName) {
    String cluster = Names.inbound(target);
    FilterChain.Builder chain = FilterChain.newBuilder().setName(chainName);
    if (p.protocol().isHttp()) {
      RouteAction.Builder action = RouteAction.newBuilder().setCluster(cluster).setTimeout(Protos.ZERO)
          .setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder()
              .setMaxStreamDuration(Protos.ZERO).setGrpcTimeoutHeaderMax(Protos.ZERO));
      VirtualHost vh = VirtualHost.newBuilder().setName("inbound|http|" + p.number()).addDomains("*")
          .addRoutes(Route.newBuilder().setName("default").setMatch(RouteMatches.catchAll()).setRoute(action)
              .setDecorator(Decorator.newBuilder().setOperation(Names.hostPort(s.hostname(), p.number()) + "/*")))
          .build();
      chain.addFilters(Filters.hcm(mesh, "inbound_" + chainName, RouteBuilder.config(cluster, List.of(vh)),
          Filters.Side.SIDECAR_INBOUND));
    } else {
      chain.addFilters(Filters.tcpProxy(cluster, cluster));
    }
    return chain;
  }
}
