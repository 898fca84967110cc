package dev.weft.controlplane.xds.translate;

import dev.weft.config.model.Hosts;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.destinationrule.DestinationRule;
import dev.weft.config.networking.gateway.Gateway;
import dev.weft.config.networking.sidecar.Sidecar;
import dev.weft.config.networking.virtualservice.VirtualService;
import dev.weft.controlplane.registry.Endpoint;
import dev.weft.controlplane.registry.Service;
import dev.weft.controlplane.xds.ProxyNode;
import dev.weft.controlplane.xds.ProxyType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one proxy sees of the mesh (Istio's SidecarScope plus the parts of PushContext that depend
 * on the proxy): the services it may reach, the VirtualServices and DestinationRules that apply to
 * it, its own workload's services and, for a gateway, its Gateway resources. Everything sorted, so
 * the builders' output is stable.
 */
final class ProxyScope {
  private final MeshSnapshot snapshot;
  private final ProxyNode proxy;
  private final Sidecar sidecar;
  private final List<Service> services;
  private final List<Resource<DestinationRule>> destinationRules;
  private final SnapshotIndex index;

  ProxyScope(MeshSnapshot snapshot, ProxyNode proxy) {
    this.snapshot = snapshot;
    this.proxy = proxy;
    this.sidecar = proxy.type() == ProxyType.SIDECAR ? findSidecar().orElse(null) : null;
    this.index = SnapshotIndex.of(snapshot);
    this.services = sidecar == null ? index.sorted : index.sorted.stream()
        .filter(s -> egressAllows(s.namespace(), s.hostname()))
        .toList();
    this.destinationRules = snapshot.config().all(Kind.DESTINATION_RULE, DestinationRule.class).stream()
        .filter(r -> exported(r.spec().exportTo(), r.namespace(), proxy.namespace()))
        .filter(r -> r.spec().workloadSelector() == null
            || r.namespace().equals(proxy.namespace()) && selects(r.spec().workloadSelector().labels(), proxy.labels()))
        .toList();
  }

  ProxyNode proxy() {
    return proxy;
  }

  /**
   * What the outbound clusters, endpoints and (for sidecars and proxyless clients) routes of this
   * proxy depend on: equal keys give equal outbound resources, so proxies that see the mesh alike
   * share one translation of them (Istio's SidecarScope sharing). The snapshot, Sidecar and
   * DestinationRules by identity (all come from the one immutable snapshot); the proxy's labels
   * only when some VirtualService matches on {@code sourceLabels}. Sidecars' outbound listeners
   * ({@link SidecarListeners#outbound}) are shared on the same key.
   */
  OutboundKey outboundKey() {
    return new OutboundKey(snapshot, proxy.type(), proxy.namespace(), sidecar, destinationRules,
        routesReadLabels() ? proxy.labels() : Map.of());
  }

  /** Whether some VirtualService matches on {@code sourceLabels} (http routes, and tcp/tls ones: outbound listeners). */
  private boolean routesReadLabels() {
    for (Resource<VirtualService> r : snapshot.config().all(Kind.VIRTUAL_SERVICE, VirtualService.class)) {
      for (var http : r.spec().http()) {
        for (var m : http.match()) {
          if (!m.sourceLabels().isEmpty()) {
            return true;
          }
        }
      }
      for (var tcp : r.spec().tcp()) {
        for (var m : tcp.match()) {
          if (!m.sourceLabels().isEmpty()) {
            return true;
          }
        }
      }
      for (var tls : r.spec().tls()) {
        for (var m : tls.match()) {
          if (!m.sourceLabels().isEmpty()) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** See {@link #outboundKey()}; compares the snapshot, Sidecar and rules by identity. */
  static final class OutboundKey {
    private final MeshSnapshot snapshot;
    private final ProxyType type;
    private final String namespace;
    private final Sidecar sidecar;
    private final List<Resource<DestinationRule>> rules;
    private final Map<String, String> labels;
    private final int hash;

    OutboundKey(MeshSnapshot snapshot, ProxyType type, String namespace, Sidecar sidecar, List<Resource<DestinationRule>> rules,
        Map<String, String> labels) {
      this.snapshot = snapshot;
      this.type = type;
      this.namespace = namespace;
      this.sidecar = sidecar;
      this.rules = rules;
      this.labels = labels;
      int h = System.identityHashCode(snapshot);
      h = 31 * h + type.hashCode();
      h = 31 * h + namespace.hashCode();
      h = 31 * h + System.identityHashCode(sidecar);
      for (Resource<DestinationRule> r : rules) {
        h = 31 * h + System.identityHashCode(r);
      }
      this.hash = 31 * h + labels.hashCode();
    }

    MeshSnapshot snapshot() {
      return snapshot;
    }

    /** The same scope without its snapshot: finds what an earlier snapshot translated for proxies that saw it alike. */
    OutboundKey withoutSnapshot() {
      return new OutboundKey(null, type, namespace, sidecar, rules, labels);
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof OutboundKey k) || k.hash != hash || k.snapshot != snapshot || k.type != type || k.sidecar != sidecar
          || !k.namespace.equals(namespace) || k.rules.size() != rules.size() || !k.labels.equals(labels)) {
        return false;
      }
      for (int i = 0; i < rules.size(); i++) {
        if (k.rules.get(i) != rules.get(i)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  MeshSettings mesh() {
    return snapshot.mesh();
  }

  MeshSnapshot snapshot() {
    return snapshot;
  }

  /** The services this proxy may send to, sorted by hostname. */
  List<Service> services() {
    return services;
  }

  Optional<Service> service(String hostname) {
    Service first = index.byHostname(hostname);
    if (first == null || sidecar == null || egressAllows(first.namespace(), first.hostname())) {
      return Optional.ofNullable(first);
    }
    // The same hostname in another namespace may be the one this Sidecar imports.
    return services.stream().filter(s -> s.hostname().equals(hostname)).findFirst();
  }

  List<Endpoint> endpoints(String hostname) {
    return snapshot.endpointsOf(hostname);
  }

  /** Istio's mesh default is ALLOW_ANY; a Sidecar may narrow it to REGISTRY_ONLY. */
  boolean allowAny() {
    return sidecar == null || sidecar.outboundTrafficPolicy() == null
        || sidecar.outboundTrafficPolicy().mode() == Sidecar.OutboundTrafficPolicy.Mode.ALLOW_ANY;
  }

  /**
   * VirtualServices for this proxy: for sidecars and proxyless clients those bound to {@code mesh};
   * for a gateway those bound to one of {@code gatewayKeys} ("namespace/name"). Only those exported
   * to the proxy's namespace (sidecars) and, under a Sidecar, whose hosts its egress allows.
   */
  List<Resource<VirtualService>> virtualServices(List<String> gatewayKeys) {
    List<Resource<VirtualService>> out = new ArrayList<>();
    for (Resource<VirtualService> r : snapshot.config().all(Kind.VIRTUAL_SERVICE, VirtualService.class)) {
      VirtualService vs = r.spec();
      if (vs.isDelegate()) {
        continue;
      }
      boolean bound = gatewayKeys == null
          ? vs.appliesToMesh()
          : vs.gateways().stream().anyMatch(g -> gatewayKeys.contains(gatewayKey(g, r.namespace())));
      if (!bound) {
        continue;
      }
      if (gatewayKeys == null && !exported(vs.exportTo(), r.namespace(), proxy.namespace())) {
        continue;
      }
      if (sidecar != null && vs.fqdnHosts(r.namespace()).stream().noneMatch(h -> egressAllows(r.namespace(), h))) {
        continue;
      }
      out.add(r);
    }
    return out;
  }

  /** A gateway reference in a VirtualService, "name" or "namespace/name", as "namespace/name". */
  static String gatewayKey(String ref, String vsNamespace) {
    return ref.contains("/") ? ref : vsNamespace + "/" + ref;
  }

  /** Gateways whose selector matches this proxy's labels (Istio: in any namespace). */
  List<Resource<Gateway>> gateways() {
    return snapshot.config().all(Kind.GATEWAY, Gateway.class).stream()
        .filter(r -> selects(r.spec().selector(), proxy.labels()))
        .toList();
  }

  /**
   * The DestinationRule for a host, by Istio's precedence: a rule in the proxy's namespace, then in
   * the service's namespace, then in the root namespace, then anywhere else; within each, an exact
   * host before the most specific wildcard.
   */
  Optional<Resource<DestinationRule>> destinationRule(String hostname, String serviceNamespace) {
    List<String> order = List.of(proxy.namespace(), serviceNamespace, snapshot.mesh().rootNamespace());
    Comparator<Resource<DestinationRule>> byNamespace = Comparator.comparingInt(r -> {
      int i = order.indexOf(r.namespace());
      return i < 0 ? order.size() : i;
    });
    Comparator<Resource<DestinationRule>> byHost = Comparator.comparingInt(
        r -> -Hosts.resolve(r.spec().host(), r.namespace()).length());
    return destinationRules.stream()
        .filter(r -> r.spec().host() != null && Hosts.matches(Hosts.resolve(r.spec().host(), r.namespace()), hostname))
        .min(byNamespace.thenComparing(byHost).thenComparing(Resource::key));
  }

  /**
   * Services of this proxy's own workload: same namespace, and a selector matching its labels or,
   * for services without a selector (self-registered workloads, WorkloadEntries), an endpoint at the
   * proxy's address with labels it has (Istio's service targets by instance IP).
   */
  List<Service> workloadServices() {
    List<Service> selecting = index.selectingServices(proxy.namespace()).stream()
        .filter(s -> selects(s.selector(), proxy.labels()))
        .toList();
    if (proxy.ipAddresses().isEmpty()) {
      return selecting;
    }
    java.util.TreeMap<String, Service> all = new java.util.TreeMap<>();
    selecting.forEach(s -> all.put(s.hostname(), s));
    for (String ip : proxy.ipAddresses()) {
      for (Service s : index.selectorlessServicesAt(ip)) {
        if (s.namespace().equals(proxy.namespace()) && hasOwnEndpoint(s)) {
          all.putIfAbsent(s.hostname(), s);
        }
      }
    }
    return all.size() == selecting.size() ? selecting : List.copyOf(all.values());
  }

  /**
   * The port the proxy's own application listens on for a service port: from the registry's
   * endpoint of this proxy (same address and labels), else the service port itself.
   */
  int targetPort(Service service, dev.weft.controlplane.registry.ServicePort port) {
    Endpoint mine = null;
    for (Endpoint e : endpoints(service.hostname())) {
      boolean labels = proxy.labels().entrySet().containsAll(e.labels().entrySet());
      boolean address = proxy.ipAddresses().contains(e.address());
      if (labels && (address || proxy.ipAddresses().isEmpty())) {
        mine = e;
        break;
      }
      if (labels && mine == null) {
        mine = e;
      }
    }
    Integer p = mine == null ? null : mine.ports().get(port.name());
    return p != null ? p : port.number();
  }

  private boolean hasOwnEndpoint(Service s) {
    return !proxy.ipAddresses().isEmpty() && endpoints(s.hostname()).stream()
        .anyMatch(e -> proxy.ipAddresses().contains(e.address()) && proxy.labels().entrySet().containsAll(e.labels().entrySet()));
  }

  static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
  }

  /** Istio's exportTo: empty or "*" everywhere, "." the own namespace, "~" nowhere, else the list. */
  static boolean exported(List<String> exportTo, String ownNamespace, String toNamespace) {
    if (exportTo.isEmpty() || exportTo.contains("*")) {
      return true;
    }
    return exportTo.contains(toNamespace) || exportTo.contains(".") && ownNamespace.equals(toNamespace);
  }

  /** The Sidecar of this workload: one selecting it, else its namespace's default, else the root namespace's. */
  private Optional<Sidecar> findSidecar() {
    List<Resource<Sidecar>> all = snapshot.config().all(Kind.SIDECAR, Sidecar.class);
    for (Resource<Sidecar> r : all) {
      if (r.namespace().equals(proxy.namespace()) && r.spec().workloadSelector() != null
          && selects(r.spec().workloadSelector().labels(), proxy.labels())) {
        return Optional.of(r.spec());
      }
    }
    for (String ns : List.of(proxy.namespace(), snapshot.mesh().rootNamespace())) {
      for (Resource<Sidecar> r : all) {
        if (r.namespace().equals(ns) && r.spec().workloadSelector() == null) {
          return Optional.of(r.spec());
        }
      }
    }
    return Optional.empty();
  }

  /** A Sidecar's egress hosts ("namespace/host") allow a host of a namespace. */
  private boolean egressAllows(String namespace, String host) {
    if (sidecar.egress().isEmpty()) {
      return true;
    }
    for (Sidecar.EgressListener egress : sidecar.egress()) {
      for (String entry : egress.hosts()) {
        int slash = entry.indexOf('/');
        if (slash < 0) {
          continue;
        }
        String ns = entry.substring(0, slash);
        String h = entry.substring(slash + 1);
        boolean nsOk = ns.equals("*") || ns.equals(".") && namespace.equals(proxy.namespace()) || ns.equals(namespace);
        if (nsOk && Hosts.matches(h, host)) {
          return true;
        }
      }
    }
    return false;
  }
}
