package dev.weft.controlplane.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import dev.weft.controlplane.xds.ProxyNode;
import dev.weft.controlplane.xds.ResourceType;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Istio's model translated to Envoy's, per proxy: clusters ({@link ClusterBuilder}), endpoints
 * ({@link EndpointBuilder}), listeners ({@link SidecarListeners}, {@link GatewayListeners},
 * {@link ListenerBuilder} for proxyless gRPC) and routes ({@link RouteBuilder}). Pure: the same
 * snapshot and proxy give the same resources; every list is sorted or in configuration order. The
 * outbound part is translated once per snapshot for all proxies that see the mesh alike
 * ({@link OutboundCache}): their resources are the same messages.
 */
public final class IstioTranslator implements MeshTranslator {
  /** Proxies whose own parts are remembered; beyond this (proxies come and go) the memory starts afresh. */
  private static final int MAX_OWN_PARTS = 65_536;

  private final OutboundCache outbound = new OutboundCache();
  /**
   * A sidecar's own clusters and listeners by proxy id, with the node and {@link OutboundCache#routingOnlyEpoch}
   * they were built for: a VirtualService change (the common push) does not rebuild and re-encode
   * them for each of a thousand proxies; any other change does.
   */
  private final ConcurrentHashMap<String, OwnParts> ownParts = new ConcurrentHashMap<>();

  /** What {@link #translate} builds per sidecar from its node and everything but the VirtualServices. */
  private record OwnParts(ProxyNode node, long epoch, Map<String, Any> clusters, Map<String, Any> listeners) {}

  @Override
  public ProxyResources translate(MeshSnapshot snapshot, ProxyNode proxy) {
    ProxyScope scope = new ProxyScope(snapshot, proxy);
    OutboundCache.Outbound shared = outbound.get(scope.outboundKey(), reusable -> outbound(scope, reusable));
    OwnParts own = proxy.type() == dev.weft.controlplane.xds.ProxyType.SIDECAR ? sidecarOwnParts(snapshot, scope) : null;
    Map<String, Any> local = own != null ? own.clusters() : localClusters(scope);
    Map<String, Any> cds = shared.perProxy().get(OutboundCache.CLUSTERS, local, part -> {
      Map<String, Any> all = new TreeMap<>(shared.clusters());
      all.putAll(part);
      return all;
    });
    Map<String, Any> rds = shared.packedRoutes();
    Map<String, Listener> listeners;
    Map<String, Any> packedListeners = null;
    Map<String, Any> secrets = Map.of();
    switch (proxy.type()) {
      case SIDECAR -> {
        listeners = null;
        Interception interception = Interception.of(proxy);
        packedListeners = shared.perProxy().get(interception.none() ? "listeners-none" : "listeners", own.listeners(), part -> {
          // Without capture, the outbound listeners (reached only through virtualOutbound) have no use.
          Map<String, Any> all = interception.none() ? new TreeMap<>() : new TreeMap<>(shared.sidecarListeners());
          all.putAll(part);
          return all;
        });
        if (interception.httpProxyPort() > 0) {
          Map<String, Any> base = rds;
          rds = shared.perProxy().get("routes-http-proxy",
              Map.of(NoneModeListeners.HTTP_PROXY_ROUTE, Any.pack(NoneModeListeners.httpProxyRoutes(scope))), part -> {
                Map<String, Any> all = new TreeMap<>(base);
                all.putAll(part);
                return all;
              });
        }
      }
      case ROUTER -> {
        rds = shared.perProxy().get("routes", pack(RouteBuilder.gateway(scope)), part -> part);
        listeners = GatewayListeners.build(scope);
        secrets = pack(GatewaySecrets.build(scope));
      }
      case PROXYLESS_GRPC -> listeners = ListenerBuilder.proxyless(scope, shared.routes());
      default -> throw new IllegalStateException("unknown proxy type " + proxy.type());
    }
    Map<ResourceType, Map<String, Any>> out = new EnumMap<>(ResourceType.class);
    out.put(ResourceType.CLUSTER, cds);
    out.put(ResourceType.ENDPOINT, shared.endpoints());
    out.put(ResourceType.LISTENER, packedListeners != null ? packedListeners
        : shared.perProxy().get("listeners", pack(listeners), part -> part));
    out.put(ResourceType.ROUTE, rds);
    out.put(ResourceType.SECRET, secrets);
    return new ProxyResources(out);
  }

  /**
   * A sidecar's own clusters and listeners: those built for an earlier snapshot when only
   * VirtualServices changed since and the node is the same (they read neither), else built now and
   * kept for the next change.
   */
  private OwnParts sidecarOwnParts(MeshSnapshot snapshot, ProxyScope scope) {
    ProxyNode proxy = scope.proxy();
    long epoch = outbound.routingOnlyEpoch(snapshot);
    OwnParts known = ownParts.get(proxy.id());
    if (known != null && epoch >= 0 && known.epoch() == epoch && known.node().equals(proxy)) {
      return known;
    }
    Interception interception = Interception.of(proxy);
    Map<String, Any> listeners = new TreeMap<>();
    if (interception.none()) {
      listeners.putAll(pack(NoneModeListeners.inbound(scope, interception)));
    } else {
      listeners.put(Names.VIRTUAL_INBOUND, Any.pack(SidecarListeners.virtualInbound(scope)));
    }
    listeners.putAll(pack(NoneModeListeners.httpProxy(scope, interception)));
    OwnParts built = new OwnParts(proxy, epoch, Map.copyOf(localClusters(scope)), Map.copyOf(listeners));
    if (epoch >= 0) {
      if (ownParts.size() >= MAX_OWN_PARTS) {
        ownParts.clear();
      }
      ownParts.put(proxy.id(), built);
    }
    return built;
  }

  private static Map<String, Any> localClusters(ProxyScope scope) {
    Map<String, Any> local = new TreeMap<>();
    for (ClusterBuilder.Built b : ClusterBuilder.local(scope)) {
      local.put(b.cluster().getName(), Any.pack(b.cluster()));
    }
    return local;
  }

  /**
   * What proxies with the same {@link ProxyScope#outboundKey} share: outbound clusters, their
   * endpoints, routes. {@code reusable}: an earlier snapshot's result whose clusters and endpoints
   * still hold (only VirtualServices changed), or null.
   */
  private static OutboundCache.Outbound outbound(ProxyScope scope, OutboundCache.Outbound reusable) {
    if (reusable != null) {
      Map<String, RouteConfiguration> routes = routes(scope);
      return reusable.withRouting(routes, routes == null ? null : pack(routes), sidecarOutboundListeners(scope));
    }
    Map<String, Any> cds = new TreeMap<>();
    Map<String, Any> eds = new TreeMap<>();
    for (ClusterBuilder.Built b : ClusterBuilder.outbound(scope)) {
      cds.put(b.cluster().getName(), Any.pack(b.cluster()));
      if (b.eds()) {
        eds.put(b.cluster().getName(), Any.pack(EndpointBuilder.build(b.cluster().getName(), b.port(), b.subsetLabels(),
            scope.endpoints(b.service().hostname()))));
      }
    }
    Map<String, RouteConfiguration> routes = routes(scope);
    return new OutboundCache.Outbound(cds, eds, routes, routes == null ? null : pack(routes), sidecarOutboundListeners(scope));
  }

  /** The shared routes of sidecars and proxyless clients; null for gateways (theirs are per proxy). */
  private static Map<String, RouteConfiguration> routes(ProxyScope scope) {
    return switch (scope.proxy().type()) {
      case SIDECAR -> RouteBuilder.sidecar(scope);
      case PROXYLESS_GRPC -> RouteBuilder.proxyless(scope);
      default -> null;
    };
  }

  private static Map<String, Any> sidecarOutboundListeners(ProxyScope scope) {
    return scope.proxy().type() == dev.weft.controlplane.xds.ProxyType.SIDECAR ? pack(SidecarListeners.outbound(scope)) : null;
  }

  private static <M extends Message> Map<String, Any> pack(Map<String, M> resources) {
    Map<String, Any> out = new TreeMap<>();
    resources.forEach((name, m) -> out.put(name, Any.pack(m)));
    return out;
  }
}
