package dev.weft.controlplane.xds;

import dev.weft.config.model.ConfigSet;
import dev.weft.config.model.Hosts;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.model.ResourceKey;
import dev.weft.config.networking.destinationrule.DestinationRule;
import dev.weft.config.networking.serviceentry.ServiceEntry;
import dev.weft.config.networking.virtualservice.VirtualService;
import dev.weft.controlplane.Subscription;
import dev.weft.controlplane.registry.Endpoint;
import dev.weft.controlplane.registry.RegistryChange;
import dev.weft.controlplane.registry.Resolution;
import dev.weft.controlplane.registry.Service;
import dev.weft.controlplane.registry.ServiceRegistry;
import dev.weft.controlplane.store.ConfigEvent;
import dev.weft.controlplane.store.ConfigStore;
import dev.weft.controlplane.xds.translate.MeshSettings;
import dev.weft.controlplane.xds.translate.MeshSnapshot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/**
 * The mesh as translation sees it: an immutable {@link MeshSnapshot} of the config store and the
 * service registry, replaced (with a higher version) on every change of either. After each change
 * it tells a {@link ConfigChangeSink} (the xDS server) which connected proxies may be affected:
 *
 * <ul>
 *   <li>a VirtualService, DestinationRule or ServiceEntry for host H: the proxies that can see H (its
 *       {@code exportTo} includes their namespace, and their Sidecar's egress hosts import it or a
 *       VirtualService they import routes to it); gateways only for VirtualServices bound to gateways;
 *   <li>a Sidecar: the sidecars of its namespace (all of them for the root namespace);
 *   <li>an AuthorizationPolicy, RequestAuthentication, WorkloadEntry or WorkloadGroup: the proxies of
 *       its namespace (all for the root namespace);
 *   <li>a Gateway: the gateways; anything else (PeerAuthentication, whose mTLS mode clients follow,
 *       Kubernetes kinds): every proxy;
 *   <li>a service's endpoints: the proxies that can see the service, EDS only when its definition did
 *       not change and its endpoints are served by EDS (STATIC resolution), plus every type for the
 *       proxies that are among the changed endpoints themselves (their inbound side).
 * </ul>
 *
 * Listeners run on the thread that made the change (the store's writer, a registration); the work
 * here is proportional to the connected proxies and the changed keys, and nothing blocks.
 */
public final class MeshState implements AutoCloseable {
  private final ConfigStore store;
  private final ServiceRegistry registry;
  private final MeshSettings mesh;
  /** The configuration of the last store event: the "before" of the next one. */
  private ConfigSet lastEventConfig;
  private final Object lock = new Object();
  private long version;
  private volatile MeshSnapshot snapshot;
  private volatile ConfigChangeSink sink = change -> {};
  private volatile Supplier<? extends Collection<ProxyNode>> proxies = List::of;
  private final List<Subscription> subscriptions = new ArrayList<>();

  private MeshState(ConfigStore store, ServiceRegistry registry, MeshSettings mesh) {
    this.store = store;
    this.registry = registry;
    this.mesh = mesh;
  }

  /** Builds the first snapshot and follows the store and the registry from then on. */
  public static MeshState open(ConfigStore store, ServiceRegistry registry, MeshSettings mesh) {
    MeshState state = new MeshState(store, registry, mesh);
    // Registry first: the store's first event then sees the registry as it is.
    state.subscriptions.add(registry.addListener(state::onRegistry));
    state.subscriptions.add(store.watch(state::onConfig));
    return state;
  }

  /**
   * Where changes go from now on, and how to list the connected proxies to scope them. Until this is
   * called changes only update the snapshot (nothing can be connected before the server starts).
   */
  public void publishTo(ConfigChangeSink target, Supplier<? extends Collection<ProxyNode>> connected) {
    this.proxies = Objects.requireNonNull(connected);
    this.sink = Objects.requireNonNull(target);
  }

  /** The current snapshot; never null once opened. */
  public MeshSnapshot snapshot() {
    return snapshot;
  }

  public MeshSettings mesh() {
    return mesh;
  }

  @Override
  public void close() {
    subscriptions.forEach(Subscription::close);
  }

  // ---- changes

  private void onConfig(ConfigEvent event) {
    List<ConfigChange> changes = new ArrayList<>();
    synchronized (lock) {
      MeshSnapshot before = snapshot;
      Map<String, Service> services = new LinkedHashMap<>();
      Map<String, List<Endpoint>> endpoints = new HashMap<>();
      for (Service s : registry.services()) {
        services.put(s.hostname(), s);
        List<Endpoint> e = registry.endpoints(s.hostname());
        if (!e.isEmpty()) {
          endpoints.put(s.hostname(), e);
        }
      }
      MeshSnapshot after = new MeshSnapshot(++version, event.config(), List.copyOf(services.values()), endpoints, mesh);
      snapshot = after;
      ConfigSet configBefore = lastEventConfig;
      lastEventConfig = event.config();
      if (before == null) {
        return;
      }
      Collection<ProxyNode> connected = proxies.get();
      changes.add(configScope(configBefore, after.config(), event.changed(), connected));
      // The registry may have followed the same write (ServiceEntries) before this listener ran.
      Set<String> hosts = new TreeSet<>();
      before.services().forEach(s -> hosts.add(s.hostname()));
      hosts.addAll(services.keySet());
      hosts.addAll(before.endpoints().keySet());
      changes.addAll(registryScope(before, after, hosts, connected));
    }
    publish(changes);
  }

  private void onRegistry(RegistryChange change) {
    List<ConfigChange> changes;
    synchronized (lock) {
      MeshSnapshot before = snapshot;
      if (before == null) {
        return; // the store's first event reads the whole registry
      }
      List<Service> services = registry.services();
      Map<String, List<Endpoint>> endpoints = new HashMap<>(before.endpoints());
      for (String host : change.hostnames()) {
        List<Endpoint> e = registry.endpoints(host);
        if (e.isEmpty()) {
          endpoints.remove(host);
        } else {
          endpoints.put(host, e);
        }
      }
      // The store's latest config: a ServiceEntry's registry change is told before the store's own event
      // reaches this class, and its scope needs the entry's exportTo.
      MeshSnapshot candidate = new MeshSnapshot(version + 1, store.config(), services, endpoints, mesh);
      if (candidate.services().equals(before.services()) && candidate.endpoints().equals(before.endpoints())
          && candidate.config() == before.config()) {
        return; // e.g. the store listener already took this change in
      }
      version++;
      snapshot = candidate;
      changes = registryScope(before, candidate, change.hostnames(), proxies.get());
    }
    publish(changes);
  }

  private void publish(List<ConfigChange> changes) {
    ConfigChangeSink target = sink;
    for (ConfigChange c : changes) {
      if (c.allProxies() || !c.proxyIds().isEmpty()) {
        target.configChanged(c);
      }
    }
  }

  // ---- scoping

  /** Who may be affected by config resources changing (created, updated or deleted). */
  ConfigChange configScope(ConfigSet before, ConfigSet after, Set<ResourceKey> keys, Collection<ProxyNode> connected) {
    String reason = reason(keys);
    PushScope scopeBefore = new PushScope(before, mesh);
    PushScope scopeAfter = new PushScope(after, mesh);
    Set<String> ids = new HashSet<>();
    for (ResourceKey key : keys) {
      for (boolean old : new boolean[] {true, false}) {
        Resource<?> r = (old ? before : after).get(key).orElse(null);
        if (r == null) {
          continue;
        }
        BiPredicate<PushScope, ProxyNode> audience = audience(r);
        if (audience == null) {
          return ConfigChange.all(reason);
        }
        PushScope scope = old ? scopeBefore : scopeAfter;
        for (ProxyNode p : connected) {
          if (!ids.contains(p.id()) && audience.test(scope, p)) {
            ids.add(p.id());
          }
        }
      }
    }
    return ConfigChange.proxies(ids, reason);
  }

  /** The proxies a resource concerns, or null for "every proxy". */
  private BiPredicate<PushScope, ProxyNode> audience(Resource<?> r) {
    String ns = r.namespace();
    boolean root = ns.equals(mesh.rootNamespace());
    return switch (r.kind()) {
      case VIRTUAL_SERVICE -> {
        VirtualService vs = (VirtualService) r.spec();
        if (vs.isDelegate()) {
          yield null; // which roots delegate to it is not known here
        }
        boolean toMesh = vs.appliesToMesh();
        boolean toGateways = vs.gateways().stream().anyMatch(g -> !g.equals(VirtualService.MESH_GATEWAY));
        List<String> hosts = vs.fqdnHosts(ns);
        yield (scope, p) -> (p.type() == ProxyType.ROUTER ? toGateways : toMesh) && scope.canSee(p, ns, hosts, vs.exportTo());
      }
      case DESTINATION_RULE -> {
        DestinationRule dr = (DestinationRule) r.spec();
        if (dr.host() == null) {
          yield null;
        }
        List<String> hosts = List.of(Hosts.resolve(dr.host(), ns));
        yield (scope, p) -> scope.canSee(p, ns, hosts, dr.exportTo());
      }
      case SERVICE_ENTRY -> {
        ServiceEntry se = (ServiceEntry) r.spec();
        List<String> hosts = se.hosts().stream().map(h -> Hosts.resolve(h, ns)).toList();
        // Its selected workloads' own proxies change too (their inbound side): same namespace.
        yield (scope, p) -> scope.canSee(p, ns, hosts, se.exportTo()) || p.namespace().equals(ns);
      }
      case SIDECAR -> (scope, p) -> p.type() != ProxyType.ROUTER && (root || p.namespace().equals(ns));
      case GATEWAY -> (scope, p) -> p.type() == ProxyType.ROUTER;
      case AUTHORIZATION_POLICY, REQUEST_AUTHENTICATION, WORKLOAD_ENTRY, WORKLOAD_GROUP ->
          (scope, p) -> root || p.namespace().equals(ns);
      default -> null;
    };
  }

  /** Who may be affected by the services or endpoints of {@code hosts} changing between two snapshots. */
  List<ConfigChange> registryScope(MeshSnapshot before, MeshSnapshot after, Collection<String> hosts, Collection<ProxyNode> connected) {
    Map<String, Service> servicesBefore = byHost(before.services());
    Map<String, Service> servicesAfter = byHost(after.services());
    PushScope scope = null;
    Map<String, List<String>> exportTo = null;
    Set<String> full = new HashSet<>();
    Set<String> edsOnly = new HashSet<>();
    List<String> changedHosts = new ArrayList<>();
    for (String host : hosts) {
      Service old = servicesBefore.get(host);
      Service now = servicesAfter.get(host);
      List<Endpoint> oldEndpoints = before.endpointsOf(host);
      List<Endpoint> newEndpoints = after.endpointsOf(host);
      boolean definitionChanged = !Objects.equals(old, now);
      if (!definitionChanged && oldEndpoints.equals(newEndpoints)) {
        continue;
      }
      changedHosts.add(host);
      if (scope == null) {
        scope = new PushScope(after.config(), mesh);
        exportTo = serviceEntryExports(after.config());
      }
      Set<String> changedAddresses = changedAddresses(oldEndpoints, newEndpoints);
      Service service = now != null ? now : old;
      // Clusters of STATIC services take their endpoints from EDS; the other kinds carry them in CDS.
      boolean endpointsOnly = !definitionChanged && service != null && service.resolution() == Resolution.STATIC;
      for (ProxyNode p : connected) {
        if (p.ipAddresses().stream().anyMatch(changedAddresses::contains)) {
          full.add(p.id());
        } else if (service != null
            && scope.canSee(p, service.namespace(), List.of(host), exportTo.getOrDefault(host, List.of()))) {
          (endpointsOnly ? edsOnly : full).add(p.id());
        }
      }
    }
    if (changedHosts.isEmpty()) {
      return List.of();
    }
    edsOnly.removeAll(full);
    String reason = "services " + summary(changedHosts);
    List<ConfigChange> out = new ArrayList<>();
    out.add(ConfigChange.proxies(full, reason));
    out.add(ConfigChange.proxies(edsOnly, reason).onlyTypes(Set.of(ResourceType.ENDPOINT)));
    return out;
  }

  private static Map<String, Service> byHost(List<Service> services) {
    Map<String, Service> out = new HashMap<>();
    for (Service s : services) {
      out.put(s.hostname(), s);
    }
    return out;
  }

  /** The exportTo of each host a ServiceEntry defines (services of other registries are visible everywhere). */
  private static Map<String, List<String>> serviceEntryExports(ConfigSet config) {
    Map<String, List<String>> out = new HashMap<>();
    for (Resource<ServiceEntry> r : config.all(Kind.SERVICE_ENTRY, ServiceEntry.class)) {
      for (String h : r.spec().hosts()) {
        out.putIfAbsent(Hosts.resolve(h, r.namespace()), r.spec().exportTo());
      }
    }
    return out;
  }

  private static Set<String> changedAddresses(List<Endpoint> before, List<Endpoint> after) {
    Set<Endpoint> a = new HashSet<>(before);
    Set<Endpoint> b = new HashSet<>(after);
    Set<String> out = new HashSet<>();
    for (Endpoint e : before) {
      if (!b.contains(e)) {
        out.add(e.address());
      }
    }
    for (Endpoint e : after) {
      if (!a.contains(e)) {
        out.add(e.address());
      }
    }
    return out;
  }

  private static String reason(Set<ResourceKey> keys) {
    List<String> names = new ArrayList<>();
    for (ResourceKey k : keys) {
      names.add(k.kind().kindName() + " " + (k.namespace().isEmpty() ? "" : k.namespace() + "/") + k.name());
    }
    return summary(names);
  }

  private static String summary(List<String> items) {
    if (items.size() <= 3) {
      return String.join(", ", items);
    }
    return String.join(", ", items.subList(0, 3)) + " and " + (items.size() - 3) + " more";
  }
}
