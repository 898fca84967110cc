package dev.weft.controlplane.registry;

import dev.weft.config.model.ConfigSet;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Protocol;
import dev.weft.config.model.Resource;
import dev.weft.config.model.ResourceKey;
import dev.weft.config.networking.serviceentry.ServiceEntry;
import dev.weft.config.networking.workloadentry.WorkloadEntry;
import dev.weft.controlplane.Subscription;
import dev.weft.controlplane.store.ConfigEvent;
import dev.weft.controlplane.store.ConfigStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Services from ServiceEntry resources in the store, with endpoints listed inline or selected from
 * WorkloadEntry resources of the same namespace by the entry's workloadSelector (as Istio does).
 */
public final class ConfigRegistry implements ServiceRegistry, AutoCloseable {
  public static final String NAME = "config";

  private final Listeners listeners = new Listeners();
  private final Subscription subscription;
  private volatile View view = new View(Map.of(), Map.of());

  private record View(Map<String, Service> services, Map<String, List<Endpoint>> endpoints) {}

  public ConfigRegistry(ConfigStore store) {
    this.subscription = store.watch(this::onChange);
  }

  private void onChange(ConfigEvent e) {
    boolean relevant = false;
    for (ResourceKey k : e.changed()) {
      relevant |= k.kind() == Kind.SERVICE_ENTRY || k.kind() == Kind.WORKLOAD_ENTRY;
    }
    if (!relevant) {
      return;
    }
    View old = view;
    View next = build(e.config());
    view = next;
    Set<String> changed = new HashSet<>();
    Set<String> hosts = new HashSet<>(old.services().keySet());
    hosts.addAll(next.services().keySet());
    for (String h : hosts) {
      if (!java.util.Objects.equals(old.services().get(h), next.services().get(h))
          || !java.util.Objects.equals(old.endpoints().get(h), next.endpoints().get(h))) {
        changed.add(h);
      }
    }
    listeners.fire(new RegistryChange(NAME, changed));
  }

  static View build(ConfigSet config) {
    Map<String, Service> services = new TreeMap<>();
    Map<String, List<Endpoint>> endpoints = new LinkedHashMap<>();
    List<Resource<WorkloadEntry>> workloadEntries = config.all(Kind.WORKLOAD_ENTRY, WorkloadEntry.class);
    for (Resource<ServiceEntry> r : config.all(Kind.SERVICE_ENTRY, ServiceEntry.class)) {
      ServiceEntry se = r.spec();
      List<ServicePort> ports = new ArrayList<>();
      Map<String, Integer> targetPorts = new LinkedHashMap<>();
      for (ServiceEntry.Port p : se.ports()) {
        if (p.number() == null) {
          continue;
        }
        Protocol proto = p.protocol() != null ? Protocol.parse(p.protocol()) : Protocol.fromPortName(p.name());
        ports.add(new ServicePort(p.name(), p.number(), proto));
        targetPorts.put(p.name(), p.targetPort() != null ? p.targetPort() : p.number());
      }
      Resolution resolution = se.resolution() == null ? Resolution.NONE : Resolution.valueOf(se.resolution().name());
      MeshLocation location = se.location() == null ? MeshLocation.MESH_EXTERNAL : MeshLocation.valueOf(se.location().name());
      Map<String, String> selector = se.workloadSelector() == null ? Map.of() : se.workloadSelector().labels();
      for (String host : se.hosts()) {
        // The first entry (in namespace/name order) to define a host wins, as in Istio.
        if (services.putIfAbsent(host, new Service(host, r.namespace(), ports, r.meta().labels(), selector, resolution, location,
            se.addresses(), NAME)) != null) {
          continue;
        }
        List<Endpoint> eps = new ArrayList<>();
        String owner = r.namespace() + "/" + r.name();
        if (se.workloadSelector() != null) {
          for (Resource<WorkloadEntry> we : workloadEntries) {
            if (we.namespace().equals(r.namespace()) && matches(selector, we.spec().labels())) {
              eps.add(endpoint(host, we.spec(), targetPorts, we.namespace() + "/" + we.name()));
            }
          }
        } else {
          for (WorkloadEntry we : se.endpoints()) {
            eps.add(endpoint(host, we, targetPorts, owner));
          }
          boolean dns = resolution == Resolution.DNS || resolution == Resolution.DNS_ROUND_ROBIN;
          if (se.endpoints().isEmpty() && dns && !host.startsWith("*")) {
            // DNS without endpoints: the proxy resolves the host itself.
            eps.add(new Endpoint(host, host, targetPorts, Map.of(), "", Health.HEALTHY, Locality.UNKNOWN, 1, owner));
          }
        }
        endpoints.put(host, List.copyOf(eps));
      }
    }
    return new View(java.util.Collections.unmodifiableMap(services), Map.copyOf(endpoints)); // services stay sorted
  }

  private static boolean matches(Map<String, String> selector, Map<String, String> labels) {
    return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
  }

  private static Endpoint endpoint(String host, WorkloadEntry we, Map<String, Integer> targetPorts, String workload) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    targetPorts.forEach((name, target) -> {
      Long own = we.ports().get(name);
      ports.put(name, own != null ? own.intValue() : target);
    });
    int weight = we.weight() == null || we.weight() == 0 ? 1 : (int) Math.min(Integer.MAX_VALUE, we.weight());
    return new Endpoint(host, we.address() == null ? "" : we.address(), ports, we.labels(),
        we.serviceAccount() == null ? "" : we.serviceAccount(), Health.HEALTHY, Locality.parse(we.locality()), weight, workload);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Service> services() {
    return List.copyOf(view.services().values());
  }

  @Override
  public List<Endpoint> endpoints(String hostname) {
    return view.endpoints().getOrDefault(hostname, List.of());
  }

  @Override
  public Subscription addListener(RegistryListener listener) {
    return listeners.add(listener);
  }

  @Override
  public void close() {
    subscription.close();
  }
}
