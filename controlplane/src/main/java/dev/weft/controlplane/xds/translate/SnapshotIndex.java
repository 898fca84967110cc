package dev.weft.controlplane.xds.translate;

import dev.weft.controlplane.registry.Service;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lookups of one {@link MeshSnapshot} that every proxy's {@link ProxyScope} needs: the services
 * sorted by hostname, by hostname, and the selector-bearing services of each namespace. Computed
 * once per snapshot instead of once per proxy (sorting a thousand services for each of a thousand
 * proxies was most of a push's per-proxy translation). Derived only from the immutable snapshot, so
 * sharing it changes no output.
 */
final class SnapshotIndex {
  /** The index of the newest snapshot asked for; older snapshots (a racing translation) get a fresh one. */
  private static volatile SnapshotIndex last;

  private final MeshSnapshot snapshot;
  /** Every service, sorted by hostname (stable: equal hostnames keep the snapshot's order). */
  final List<Service> sorted;
  /** The first service of each hostname in {@link #sorted} order. */
  private final Map<String, Service> byHostname;
  /** Per namespace, the services (sorted by hostname) that select workloads by labels. */
  private final Map<String, List<Service>> selecting;
  /**
   * Per endpoint address, the services without a selector (self-registered workloads,
   * WorkloadEntries) that have an endpoint there, sorted by hostname: a proxy at that address
   * belongs to them (Istio's service targets by instance IP).
   */
  private final Map<String, List<Service>> selectorlessByAddress;

  private SnapshotIndex(MeshSnapshot snapshot) {
    this.snapshot = snapshot;
    this.sorted = snapshot.services().stream().sorted(Comparator.comparing(Service::hostname)).toList();
    Map<String, Service> hosts = new HashMap<>();
    Map<String, List<Service>> bySelector = new HashMap<>();
    Map<String, List<Service>> byAddress = new HashMap<>();
    for (Service s : sorted) {
      hosts.putIfAbsent(s.hostname(), s);
      if (!s.selector().isEmpty()) {
        bySelector.computeIfAbsent(s.namespace(), ns -> new ArrayList<>()).add(s);
      } else {
        for (dev.weft.controlplane.registry.Endpoint e : snapshot.endpointsOf(s.hostname())) {
          List<Service> at = byAddress.computeIfAbsent(e.address(), a -> new ArrayList<>());
          if (at.isEmpty() || at.getLast() != s) {
            at.add(s);
          }
        }
      }
    }
    byAddress.replaceAll((a, list) -> List.copyOf(list));
    this.selectorlessByAddress = byAddress;
    this.byHostname = hosts;
    bySelector.replaceAll((ns, list) -> List.copyOf(list));
    this.selecting = bySelector;
  }

  static SnapshotIndex of(MeshSnapshot snapshot) {
    SnapshotIndex known = last;
    if (known != null && known.snapshot == snapshot) {
      return known;
    }
    SnapshotIndex computed = new SnapshotIndex(snapshot);
    if (known == null || snapshot.version() >= known.snapshot.version()) {
      last = computed;
    }
    return computed;
  }

  Service byHostname(String hostname) {
    return byHostname.get(hostname);
  }

  List<Service> selectingServices(String namespace) {
    return selecting.getOrDefault(namespace, List.of());
  }

  List<Service> selectorlessServicesAt(String address) {
    return selectorlessByAddress.getOrDefault(address, List.of());
  }
}
