package dev.weft.controlplane.xds;

import dev.weft.config.model.ConfigSet;
import dev.weft.config.model.Hosts;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.sidecar.Sidecar;
import dev.weft.config.networking.virtualservice.Destination;
import dev.weft.config.networking.virtualservice.HttpRoute;
import dev.weft.config.networking.virtualservice.VirtualService;
import dev.weft.controlplane.xds.translate.MeshSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which hosts a proxy can see, by Istio's visibility rules at namespace granularity: a resource's
 * {@code exportTo}, and for sidecars the egress hosts of the Sidecar resource that applies to them.
 * Used to decide which proxies a change may affect; translation applies the same rules in detail.
 * When in doubt it answers "visible": an unneeded push costs a little, a missed one is a bug.
 *
 * <p>Built once per change from one configuration; immutable afterwards.
 */
final class PushScope {
  private final MeshSettings mesh;
  private final Map<String, List<Resource<Sidecar>>> sidecarsByNamespace = new HashMap<>();
  /** Mesh VirtualServices with the hosts they route to: a proxy that sees one needs its destinations. */
  private final List<Routing> routings = new ArrayList<>();

  private record Routing(String namespace, List<String> hosts, List<String> exportTo, Set<String> destinations) {}

  PushScope(ConfigSet config, MeshSettings mesh) {
    this.mesh = mesh;
    for (Resource<Sidecar> s : config.all(Kind.SIDECAR, Sidecar.class)) {
      sidecarsByNamespace.computeIfAbsent(s.namespace(), n -> new ArrayList<>()).add(s);
    }
    for (Resource<VirtualService> r : config.all(Kind.VIRTUAL_SERVICE, VirtualService.class)) {
      if (r.spec().appliesToMesh() && !r.spec().isDelegate()) {
        routings.add(new Routing(r.namespace(), r.spec().fqdnHosts(r.namespace()), r.spec().exportTo(),
            destinationHosts(r.spec(), r.namespace())));
      }
    }
  }

  /** Whether config in {@code ownNamespace} with this {@code exportTo} is visible in {@code namespace}. */
  static boolean exportedTo(List<String> exportTo, String ownNamespace, String namespace) {
    if (exportTo.isEmpty()) {
      return true; // the mesh default: exported everywhere
    }
    for (String e : exportTo) {
      if (e.equals("*") || e.equals(namespace) || (e.equals(".") && ownNamespace.equals(namespace))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code proxy} can see any of {@code hosts}, defined in {@code hostNamespace} with
   * {@code exportTo}: exported to its namespace and, for sidecars, imported by its Sidecar (or
   * routed to by a VirtualService it imports).
   */
  boolean canSee(ProxyNode proxy, String hostNamespace, List<String> hosts, List<String> exportTo) {
    if (!exportedTo(exportTo, hostNamespace, proxy.namespace())) {
      return false;
    }
    Resource<Sidecar> sidecar = sidecarOf(proxy);
    if (sidecar == null) {
      return true;
    }
    for (String host : hosts) {
      if (imports(sidecar, proxy.namespace(), hostNamespace, host)) {
        return true;
      }
    }
    for (Routing r : routings) {
      if (exportedTo(r.exportTo(), r.namespace(), proxy.namespace())
          && r.hosts().stream().anyMatch(h -> imports(sidecar, proxy.namespace(), r.namespace(), h))
          && hosts.stream().anyMatch(h -> r.destinations().stream().anyMatch(d -> Hosts.overlap(d, h)))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The Sidecar resource that applies to a sidecar proxy, as Istio picks it: one of its namespace
   * whose workloadSelector matches its labels, else its namespace's without selector, else the root
   * namespace's without selector. Null when none applies (or the proxy is a gateway: Sidecars do not
   * apply to gateways).
   */
  Resource<Sidecar> sidecarOf(ProxyNode proxy) {
    if (proxy.type() == ProxyType.ROUTER) {
      return null;
    }
    List<Resource<Sidecar>> own = sidecarsByNamespace.getOrDefault(proxy.namespace(), List.of());
    for (Resource<Sidecar> s : own) {
      if (s.spec().workloadSelector() != null && !s.spec().workloadSelector().labels().isEmpty()
          && selects(s.spec().workloadSelector().labels(), proxy.labels())) {
        return s;
      }
    }
    for (Resource<Sidecar> s : own) {
      if (s.spec().workloadSelector() == null || s.spec().workloadSelector().labels().isEmpty()) {
        return s;
      }
    }
    for (Resource<Sidecar> s : sidecarsByNamespace.getOrDefault(mesh.rootNamespace(), List.of())) {
      if (s.spec().workloadSelector() == null || s.spec().workloadSelector().labels().isEmpty()) {
        return s;
      }
    }
    return null;
  }

  static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** Whether a Sidecar's egress hosts ({@code namespace/dnsName}) import {@code host} of {@code hostNamespace}. */
  static boolean imports(Resource<Sidecar> sidecar, String proxyNamespace, String hostNamespace, String host) {
    for (Sidecar.EgressListener egress : sidecar.spec().egress()) {
      for (String entry : egress.hosts()) {
        int slash = entry.indexOf('/');
        if (slash < 0) {
          continue; // the validator refuses these; nothing to import
        }
        String ns = entry.substring(0, slash);
        String dns = entry.substring(slash + 1);
        boolean nsMatches = ns.equals("*") || ns.equals(hostNamespace) || (ns.equals(".") && hostNamespace.equals(proxyNamespace));
        if (nsMatches && Hosts.overlap(dns, host)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Every destination host of a VirtualService (routes and mirrors), as FQDNs. */
  static Set<String> destinationHosts(VirtualService vs, String namespace) {
    Set<String> out = new LinkedHashSet<>();
    for (HttpRoute http : vs.http()) {
      for (HttpRoute.HttpRouteDestination d : http.route()) {
        add(out, d.destination(), namespace);
      }
      add(out, http.mirror(), namespace);
      for (HttpRoute.HttpMirrorPolicy m : http.mirrors()) {
        add(out, m.destination(), namespace);
      }
    }
    for (VirtualService.TcpRoute tcp : vs.tcp()) {
      for (VirtualService.RouteDestination d : tcp.route()) {
        add(out, d.destination(), namespace);
      }
    }
    for (VirtualService.TlsRoute tls : vs.tls()) {
      for (VirtualService.RouteDestination d : tls.route()) {
        add(out, d.destination(), namespace);
      }
    }
    return out;
  }

  private static void add(Set<String> out, Destination d, String namespace) {
    if (d != null && d.host() != null) {
      out.add(d.fqdn(namespace));
    }
  }
}
