package dev.weft.controlplane.registry;

import dev.weft.controlplane.Log;
import dev.weft.controlplane.Subscription;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Workloads that register themselves and keep their registration alive with heartbeats. One whose
 * heartbeats stop is removed when its time-to-live runs out (a sweeper checks periodically).
 *
 * <p>The workloads of one namespace that serve the same service name make one service
 * ({@code <service>.<namespace>.svc.cluster.local}), with the union of their ports.
 */
public final class WorkloadRegistry implements ServiceRegistry, AutoCloseable {
  public static final String NAME = "workloads";

  private final InstantSource clock;
  private final Duration maxTtl;
  private final int maxWorkloads;
  private final Listeners listeners = new Listeners();
  private final Map<String, Registration> byId = new TreeMap<>();
  private volatile View view = View.EMPTY;
  private ScheduledExecutorService sweeper;

  /** A registered workload and when it stops counting unless it heartbeats. */
  public record Registration(Workload workload, Duration ttl, Instant lastSeen, Instant expiresAt) {}

  /** What a registration did. */
  public enum Outcome { CREATED, UPDATED }

  private record View(List<Service> services, Map<String, List<Endpoint>> endpoints) {
    static final View EMPTY = new View(List.of(), Map.of());
  }

  /**
   * @param maxTtl longest time-to-live a workload may ask for (and the default)
   * @param maxWorkloads registrations beyond this are refused: a bound on memory
   */
  public WorkloadRegistry(InstantSource clock, Duration maxTtl, int maxWorkloads) {
    this.clock = clock;
    this.maxTtl = maxTtl;
    this.maxWorkloads = maxWorkloads;
  }

  public WorkloadRegistry() {
    this(InstantSource.system(), Duration.ofSeconds(30), 10_000);
  }

  /** Removes expired workloads every {@code interval} on a daemon thread. */
  public synchronized void startSweeper(Duration interval) {
    if (sweeper != null) {
      return;
    }
    sweeper = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("weft-workload-sweeper").daemon().unstarted(r));
    sweeper.scheduleWithFixedDelay(() -> {
      try {
        sweep();
      } catch (RuntimeException e) {
        Log.warn("workload sweeper: " + e);
      }
    }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Registers or replaces a workload; {@code ttl} null or above the maximum means the maximum.
   *
   * @throws IllegalArgumentException with the problems when the workload is invalid or the registry is full
   */
  public Outcome register(Workload w, Duration ttl) {
    List<String> problems = w.problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    Duration t = ttl == null || ttl.isZero() || ttl.isNegative() || ttl.compareTo(maxTtl) > 0 ? maxTtl : ttl;
    Set<String> changed = new HashSet<>();
    Outcome outcome;
    synchronized (this) {
      Registration old = byId.get(w.id());
      if (old == null && byId.size() >= maxWorkloads) {
        throw new IllegalArgumentException("the registry holds its maximum of " + maxWorkloads + " workloads");
      }
      Instant now = clock.instant();
      byId.put(w.id(), new Registration(w, t, now, now.plus(t)));
      changed.add(w.hostname());
      if (old != null) {
        changed.add(old.workload().hostname());
      }
      outcome = old == null ? Outcome.CREATED : Outcome.UPDATED;
      if (old == null || !old.workload().equals(w)) {
        rebuild();
      } else {
        changed.clear(); // a re-registration with the same content is a heartbeat
      }
    }
    if (outcome == Outcome.CREATED) {
      Log.info("workload " + w.id() + " registered at " + w.address() + " for " + w.hostname());
    }
    listeners.fire(new RegistryChange(NAME, changed));
    return outcome;
  }

  /**
   * Keeps a registration alive; {@code health}, when given, replaces the workload's health.
   *
   * @return false when the workload is not registered (expired or never was): it must register again
   */
  public boolean heartbeat(String namespace, String name, Health health) {
    String host;
    synchronized (this) {
      Registration r = byId.get(namespace + "/" + name);
      if (r == null) {
        return false;
      }
      Instant now = clock.instant();
      Workload w = r.workload();
      boolean healthChanged = health != null && health != w.health();
      if (healthChanged) {
        w = new Workload(w.name(), w.namespace(), w.service(), w.serviceAccount(), w.labels(), w.address(), w.ports(), health,
            w.locality(), w.weight());
      }
      byId.put(w.id(), new Registration(w, r.ttl(), now, now.plus(r.ttl())));
      if (!healthChanged) {
        return true;
      }
      rebuild();
      host = w.hostname();
    }
    listeners.fire(new RegistryChange(NAME, Set.of(host)));
    return true;
  }

  /** Removes a workload; false when it was not registered. */
  public boolean deregister(String namespace, String name) {
    Registration r;
    synchronized (this) {
      r = byId.remove(namespace + "/" + name);
      if (r == null) {
        return false;
      }
      rebuild();
    }
    Log.info("workload " + r.workload().id() + " deregistered");
    listeners.fire(new RegistryChange(NAME, Set.of(r.workload().hostname())));
    return true;
  }

  /** Removes every workload whose time-to-live has run out; returns how many. */
  public int sweep() {
    List<Registration> expired = new ArrayList<>();
    synchronized (this) {
      Instant now = clock.instant();
      byId.values().removeIf(r -> {
        if (!now.isBefore(r.expiresAt())) {
          expired.add(r);
          return true;
        }
        return false;
      });
      if (!expired.isEmpty()) {
        rebuild();
      }
    }
    Set<String> hosts = new HashSet<>();
    for (Registration r : expired) {
      Log.info("workload " + r.workload().id() + " expired: no heartbeat since " + r.lastSeen());
      hosts.add(r.workload().hostname());
    }
    listeners.fire(new RegistryChange(NAME, hosts));
    return expired.size();
  }

  public synchronized List<Registration> registrations() {
    return List.copyOf(byId.values());
  }

  public synchronized Optional<Registration> registration(String namespace, String name) {
    return Optional.ofNullable(byId.get(namespace + "/" + name));
  }

  /** Recomputes services and endpoints from the registrations; called with the lock held. */
  private void rebuild() {
    Map<String, Map<String, ServicePort>> portsByHost = new TreeMap<>();
    Map<String, String> namespaceByHost = new TreeMap<>();
    Map<String, List<Endpoint>> endpoints = new LinkedHashMap<>();
    for (Registration r : byId.values()) {
      Workload w = r.workload();
      String host = w.hostname();
      namespaceByHost.put(host, w.namespace());
      Map<String, ServicePort> ports = portsByHost.computeIfAbsent(host, h -> new LinkedHashMap<>());
      Map<String, Integer> endpointPorts = new LinkedHashMap<>();
      for (Workload.WorkloadPort p : w.ports()) {
        // The first workload to declare a port name sets the service's port number and protocol.
        ports.putIfAbsent(p.name(), new ServicePort(p.name(), p.number(), Workload.protocolOf(p)));
        endpointPorts.put(p.name(), p.number());
      }
      endpoints.computeIfAbsent(host, h -> new ArrayList<>()).add(new Endpoint(host, w.address(), endpointPorts, w.labels(),
          w.serviceAccount(), w.health(), w.locality(), w.weight() == 0 ? 1 : w.weight(), w.id()));
    }
    List<Service> services = new ArrayList<>();
    portsByHost.forEach((host, ports) -> services.add(new Service(host, namespaceByHost.get(host), List.copyOf(ports.values()),
        Map.of(), Map.of(), Resolution.STATIC, MeshLocation.MESH_INTERNAL, List.of(), NAME)));
    endpoints.replaceAll((h, l) -> List.copyOf(l));
    view = new View(List.copyOf(services), Map.copyOf(endpoints));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Service> services() {
    return view.services();
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
  public synchronized void close() {
    if (sweeper != null) {
      sweeper.shutdownNow();
      sweeper = null;
    }
  }
}
