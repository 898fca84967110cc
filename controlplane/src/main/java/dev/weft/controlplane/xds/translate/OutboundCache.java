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

  /** @param routes and {@code packedRoutes} null when the proxy's routes are not shared (gateways) */
  record Outbound(Map<String, Any> clusters, Map<String, Any> endpoints, Map<String, RouteConfiguration> routes,
      Map<String, Any> packedRoutes) {}

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
