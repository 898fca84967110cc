package dev.weft.controlplane.xds.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The outbound resources of proxies that see the mesh alike ({@link ProxyScope.OutboundKey}),
 * translated once per snapshot and shared: a thousand sidecars of one namespace cost one
 * translation of the mesh's clusters, endpoints and routes, and hold the same messages. Only the
 * newest snapshot's results are kept.
 */
final class OutboundCache {
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
  }

  /**
   * Gives proxies whose own resources of a kind are equal (the local clusters, listeners of sidecars
   * that differ only in name) one immutable map instance: the server then prepares one response for
   * all of them instead of hashing and sorting the same resources per proxy.
   */
  static final class Interner {
    private final ConcurrentHashMap<String, Map.Entry<Map<String, Any>, Map<String, Any>>> last = new ConcurrentHashMap<>();

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

  private final ConcurrentHashMap<ProxyScope.OutboundKey, Outbound> entries = new ConcurrentHashMap<>();
  private MeshSnapshot current;

  Outbound get(ProxyScope.OutboundKey key, Supplier<Outbound> translate) {
    MeshSnapshot snapshot = key.snapshot();
    synchronized (this) {
      if (current != snapshot) {
        if (current != null && snapshot.version() < current.version()) {
          return translate.get(); // a translation racing a newer snapshot: not worth keeping
        }
        entries.clear();
        current = snapshot;
      } else if (entries.size() >= MAX_ENTRIES) {
        entries.clear();
      }
    }
    return entries.computeIfAbsent(key, k -> translate.get());
  }
}
