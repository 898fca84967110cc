package dev.weft.controlplane.registry;

import dev.weft.controlplane.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Several registries seen as one. A hostname defined by more than one registry takes its
 * definition from the first in order; its endpoints are those of every registry.
 */
public final class AggregateRegistry implements ServiceRegistry {
  private final List<ServiceRegistry> registries;

  public AggregateRegistry(List<ServiceRegistry> registries) {
    this.registries = List.copyOf(registries);
  }

  @Override
  public String name() {
    return "aggregate";
  }

  @Override
  public List<Service> services() {
    Map<String, Service> byHost = new TreeMap<>();
    for (ServiceRegistry r : registries) {
      for (Service s : r.services()) {
        byHost.putIfAbsent(s.hostname(), s);
      }
    }
    return List.copyOf(byHost.values());
  }

  @Override
  public List<Endpoint> endpoints(String hostname) {
    List<Endpoint> all = new ArrayList<>();
    for (ServiceRegistry r : registries) {
      all.addAll(r.endpoints(hostname));
    }
    return List.copyOf(all);
  }

  @Override
  public Subscription addListener(RegistryListener listener) {
    List<Subscription> subs = new ArrayList<>();
    for (ServiceRegistry r : registries) {
      subs.add(r.addListener(listener));
    }
    return () -> subs.forEach(Subscription::close);
  }
}
