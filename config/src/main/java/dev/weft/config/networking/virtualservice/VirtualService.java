package dev.weft.config.networking.virtualservice;

import dev.weft.config.model.Hosts;
import dev.weft.config.model.Ordered;
import java.util.List;
import java.util.Map;

/**
 * networking.istio.io VirtualService: routing rules for traffic addressed to {@code hosts}, applied by
 * the sidecars ({@code mesh}) and/or the named gateways. A VirtualService without hosts is a
 * delegate: it only holds HTTP routes that a root VirtualService hands over to.
 */
public record VirtualService(
    List<String> hosts,
    List<String> gateways,
    List<HttpRoute> http,
    List<TlsRoute> tls,
    List<TcpRoute> tcp,
    List<String> exportTo) {

  /** The reserved gateway name for all sidecars in the mesh. */
  public static final String MESH_GATEWAY = "mesh";

  public VirtualService {
    hosts = List.copyOf(hosts);
    gateways = List.copyOf(gateways);
    http = List.copyOf(http);
    tls = List.copyOf(tls);
    tcp = List.copyOf(tcp);
    exportTo = List.copyOf(exportTo);
  }

  /** A delegate VirtualService (no hosts), referenced from a root VirtualService's {@code delegate}. */
  public boolean isDelegate() {
    return hosts.isEmpty();
  }

  /**
   * The hosts as FQDNs, short names resolved against the namespace of the VirtualService (not of
   * the service), as Istio does: {@code reviews} in {@code default} is
   * {@code reviews.default.svc.cluster.local}.
   */
  public List<String> fqdnHosts(String namespace) {
    return hosts.stream().map(h -> Hosts.resolve(h, namespace)).toList();
  }

  /** Applies to sidecars: no gateways listed (the default), or "mesh" among them. */
  public boolean appliesToMesh() {
    return gateways.isEmpty() || gateways.contains(MESH_GATEWAY);
  }

  /** Route for TLS/HTTPS traffic that is not terminated, chosen by SNI. */
  public record TlsRoute(List<TlsMatchAttributes> match, List<RouteDestination> route) {
    public TlsRoute {
      match = List.copyOf(match);
      route = List.copyOf(route);
    }
  }

  /** Route for opaque TCP traffic. */
  public record TcpRoute(List<L4MatchAttributes> match, List<RouteDestination> route) {
    public TcpRoute {
      match = List.copyOf(match);
      route = List.copyOf(route);
    }
  }

  /** Conditions on a TLS connection; {@code port} null when unset. */
  public record TlsMatchAttributes(
      List<String> sniHosts,
      List<String> destinationSubnets,
      Integer port,
      Map<String, String> sourceLabels,
      List<String> gateways,
      String sourceNamespace) {
    public TlsMatchAttributes {
      sniHosts = List.copyOf(sniHosts);
      destinationSubnets = List.copyOf(destinationSubnets);
      sourceLabels = Ordered.copyOf(sourceLabels);
      gateways = List.copyOf(gateways);
    }
  }

  /** Conditions on a TCP connection; {@code port} null when unset. */
  public record L4MatchAttributes(
      List<String> destinationSubnets,
      Integer port,
      Map<String, String> sourceLabels,
      List<String> gateways,
      String sourceNamespace) {
    public L4MatchAttributes {
      destinationSubnets = List.copyOf(destinationSubnets);
      sourceLabels = Ordered.copyOf(sourceLabels);
      gateways = List.copyOf(gateways);
    }
  }

  /** A TCP/TLS destination and its weight (null when unset). */
  public record RouteDestination(Destination destination, Integer weight) {}
}
