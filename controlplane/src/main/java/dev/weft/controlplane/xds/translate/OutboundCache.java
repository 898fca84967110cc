package dev.weft.controlplane.xds.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import java.util.HashMap;
import java.util.List;
import java.util.function.Function;

/**
 * The outbound resources of proxies that see the mesh alike ({@link ProxyScope.OutboundKey}),
 * translated once per snapshot and shared: a thousand sidecars of one namespace cost one
 * translation of the mesh's clusters, endpoints and routes, and hold the same messages. Only the
 * newest snapshot's results are kept.
 */
final class OutboundCache {
  /** The {@link Interner} key of a proxy's clusters: the shared outbound clusters plus its own. */
  static final String CLUSTERS = "clusters";
  /** Entries beyond this (many distinct scopes in one snapshot) start the cache afresh. */
  private static final int MAX_ENTRIES = 4096;

  /**
   * @param clusters, {@code endpoints} and {@code packedRoutes} immutable, so the proxies' resources
   *     ({@link ProxyResources}) hold these very maps and the xDS server can tell shared content by identity
   * @param routes and {@code packedRoutes} null when the proxy's routes are not shared (gateways)
   * @param sidecarListeners a sidecar's outbound listeners ({@link SidecarListeners#outbound}); null for other proxies
   * @param perProxy the last per-proxy maps of the proxies of this key: equal content is handed out as
   *     the same map instance
   */
  record Outbound(Map<String, Any> clusters, Map<String, Any> endpoints, Map<String, RouteConfiguration> routes,
      Map<String, Any> packedRoutes, Map<String, Any> sidecarListeners, Interner perProxy) {
    Outbound {
      clusters = Map.copyOf(clusters);
      endpoints = Map.copyOf(endpoints);
      packedRoutes = packedRoutes == null ? null : Map.copyOf(packedRoutes);
      sidecarListeners = sidecarListeners == null ? null : Map.copyOf(sidecarListeners);
    }

    Outbound(Map<String, Any> clusters, Map<String, Any> endpoints, Map<String, RouteConfiguration> routes,
        Map<String, Any> packedRoutes, Map<String, Any> sidecarListeners) {
      this(clusters, endpoints, routes, packedRoutes, sidecarListeners, new Interner());
    }

    /**
     * This scope's resources for a new snapshot whose clusters and endpoints are this one's: the same
     * maps, and the proxies' cluster maps interned so far, so the server sees unchanged CDS and EDS
     * by identity and does no work for them.
     */
    Outbound withRouting(Map<String, RouteConfiguration> newRoutes, Map<String, Any> newPackedRoutes, Map<String, Any> newListeners) {
      return new Outbound(clusters, endpoints, newRoutes, newPackedRoutes, newListeners, perProxy.keeping(CLUSTERS));
    }
  }

  /**
   * Gives proxies whose own resources of a kind are equal (the local clusters, listeners of sidecars
   * that differ only in name) one immutable map instance: the server then prepares one response for
   * all of them instead of hashing and sorting the same resources per proxy.
   */
  static final class Interner {
    private final ConcurrentHashMap<String, Map.Entry<Map<String, Any>, Map<String, Any>>> last = new ConcurrentHashMap<>();

    /** A new interner that starts with this one's entry for {@code key} (one built from parts that did not change). */
    Interner keeping(String key) {
      Interner next = new Interner();
      Map.Entry<Map<String, Any>, Map<String, Any>> known = last.get(key);
      if (known != null) {
        next.last.put(key, known);
      }
      return next;
    }

    /**
     * The map for {@code key} built by {@code whole} from the per-proxy part {@code part}; the last
     * one built when its part was equal to this one.
     */
    Map<String, Any> get(String key, Map<String, Any> part, java.util.function.Function<Map<String, Any>, Map<String, Any>> whole) {
      Map.Entry<Map<String, Any>, Map<String, Any>> known = last.get(key);
      if (known != null && known.getKey().equals(part)) {
        return known.getValue();
      }
      Map<String, Any> built = Map.copyOf(whole.apply(part));
      last.put(key, Map.entry(Map.copyOf(part), built));
      return built;
    }
  }

  /** Replaced, never cleared, when the snapshot changes: a translation in progress keeps the map it started with. */
  private ConcurrentHashMap<ProxyScope.OutboundKey, Outbound> entries = new ConcurrentHashMap<>();
  private MeshSnapshot current;
  /** The entries of the snapshot before {@link #current}, by {@link ProxyScope.OutboundKey#withoutSnapshot()}. */
  private Map<ProxyScope.OutboundKey, Outbound> previous = Map.of();
  private MeshSnapshot previousSnapshot;
  /** Whether {@link #previousSnapshot} -> {@link #current} changed only routing (see {@link #onlyRoutingChanged}); computed once. */
  private Boolean clustersHold;
  /**
   * Bumped whenever a newer snapshot differs from the one before it in more than VirtualServices
   * ({@link #onlyRoutingChanged}): what a proxy's own resources were translated from holds while it
   * stays the same ({@link #routingOnlyEpoch}).
   */
  private long epoch;

  /**
   * The outbound resources of {@code key}'s scope, translated by {@code translate} once per snapshot.
   * {@code translate} is given the previous snapshot's result for the same scope when that snapshot
   * differs from this one only in VirtualServices (its clusters and endpoints are still right), else
   * null.
   */
  Outbound get(ProxyScope.OutboundKey key, Function<Outbound, Outbound> translate) {
    MeshSnapshot snapshot = key.snapshot();
    ConcurrentHashMap<ProxyScope.OutboundKey, Outbound> mine;
    synchronized (this) {
      if (current != snapshot) {
        if (current != null && snapshot.version() < current.version()) {
          return translate.apply(null); // a translation racing a newer snapshot: not worth keeping
        }
        boolean onlyRouting = current != null && onlyRoutingChanged(current, snapshot);
        if (!onlyRouting) {
          epoch++;
        }
        clustersHold = null;
        if (current != null && !entries.isEmpty()) {
          Map<ProxyScope.OutboundKey, Outbound> byScope = new HashMap<>();
          entries.forEach((k, v) -> byScope.put(k.withoutSnapshot(), v));
          previous = byScope;
          previousSnapshot = current;
          clustersHold = onlyRouting; // the comparison just made: previousSnapshot -> current
        }
        entries = new ConcurrentHashMap<>();
        current = snapshot;
      } else if (entries.size() >= MAX_ENTRIES) {
        entries = new ConcurrentHashMap<>();
      }
      mine = entries;
    }
    Outbound known = mine.get(key);
    if (known != null) {
      return known;
    }
    // Looked up before computeIfAbsent: that holds a lock of the map, and this one's lock must not be taken inside it.
    Outbound reuse = reusable(key);
    return mine.computeIfAbsent(key, k -> translate.apply(reuse));
  }

  /**
   * For the snapshot of the last {@link #get}: a number that stays the same across newer snapshots
   * that differ from each other only in VirtualServices, so what a proxy's own clusters and inbound
   * listeners were built from still holds while it does; -1 when {@code snapshot} is no longer the
   * newest (a translation racing a change: its result is not to be kept).
   */
  synchronized long routingOnlyEpoch(MeshSnapshot snapshot) {
    return snapshot == current ? epoch : -1;
  }

  /** The previous snapshot's outbound of this scope if its clusters and endpoints still hold, else null. */
  private Outbound reusable(ProxyScope.OutboundKey key) {
    Outbound before;
    synchronized (this) {
      if (previousSnapshot == null || current != key.snapshot()) {
        return null;
      }
      before = previous.get(key.withoutSnapshot());
      if (before == null) {
        return null;
      }
      if (clustersHold == null) {
        clustersHold = onlyRoutingChanged(previousSnapshot, current);
      }
      return clustersHold ? before : null;
    }
  }

  /**
   * Whether two snapshots differ at most in their VirtualServices: same mesh settings, equal services
   * and endpoints, and the very same resources of every other kind (the store keeps an unchanged
   * resource's instance). Outbound clusters and endpoints read none of the VirtualServices, so they
   * are the same for both; routes and listeners are not, and are translated again.
   */
  static boolean onlyRoutingChanged(MeshSnapshot before, MeshSnapshot after) {
    if (!before.mesh().equals(after.mesh()) || !before.services().equals(after.services())
        || !before.endpoints().equals(after.endpoints())) {
      return false;
    }
    for (Kind kind : Kind.values()) {
      if (kind == Kind.VIRTUAL_SERVICE) {
        continue;
      }
      List<Resource<?>> a = before.config().all(kind);
      List<Resource<?>> b = after.config().all(kind);
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (a.get(i) != b.get(i)) {
          return false;
        }
      }
    }
    return true;
  }
}
