package dev.weft.controlplane.xds.translate;

import com.google.protobuf.BoolValue;
import dev.weft.config.networking.virtualservice.VirtualService;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.util.ArrayList;
import java.util.List;

/** Network, HTTP and listener filters, with Istio's names and defaults. */
final class Filters {
  private Filters() {}

  static final String HCM = "envoy.filters.network.http_connection_manager";
  static final String TCP_PROXY = "envoy.filters.network.tcp_proxy";
  static final String ROUTER = "envoy.filters.http.router";

  /** Where an HTTP connection manager is. */
  enum Side {
    SIDECAR_OUTBOUND,
    SIDECAR_INBOUND,
    GATEWAY
  }

  /** A listener's HTTP connection manager taking its routes from RDS. */
  static Filter hcm(MeshSettings mesh, String statPrefix, String routeConfigName, Side side) {
    return hcmFilter(base(mesh, statPrefix, side).setRds(Rds.newBuilder().setConfigSource(Protos.ADS).setRouteConfigName(routeConfigName)));
  }

  /** An HTTP connection manager with its routes inline (the inbound side: they only name the local app). */
  static Filter hcm(MeshSettings mesh, String statPrefix, RouteConfiguration routes, Side side) {
    return hcmFilter(base(mesh, statPrefix, side).setRouteConfig(routes));
  }

  private static HttpConnectionManager.Builder base(MeshSettings mesh, String statPrefix, Side side) {
    HttpConnectionManager.Builder hcm = base(statPrefix, side);
    if (!mesh.accessLogFile().isEmpty()) {
      // Istio's accessLogFile; without a log_format, so the proxy writes Envoy's default format.
      hcm.addAccessLog(AccessLog.newBuilder().setName("envoy.access_loggers.file")
          .setTypedConfig(Protos.any(FileAccessLog.newBuilder().setPath(mesh.accessLogFile()).build())));
    }
    return hcm;
  }

  /**
   * Istio's HTTP_PROXY listener's connection manager: routes {@code routeConfigName} from RDS, and
   * absolute-form request targets ({@code GET http://reviews:9080/...}) accepted, as a forward proxy.
   */
  static Filter httpProxyHcm(MeshSettings mesh, String statPrefix, String routeConfigName) {
    return hcmFilter(base(mesh, statPrefix, Side.SIDECAR_OUTBOUND)
        .setRds(Rds.newBuilder().setConfigSource(Protos.ADS).setRouteConfigName(routeConfigName))
        .setHttpProtocolOptions(io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions.newBuilder()
            .setAllowAbsoluteUrl(BoolValue.of(true))));
  }

  private static HttpConnectionManager.Builder base(String statPrefix, Side side) {
    return HttpConnectionManager.newBuilder()
        .setStatPrefix(statPrefix)
        .addAllHttpFilters(proxyFilters())
        // Only a gateway is the edge: it sets X-Forwarded-For from the peer; sidecars pass it on.
        .setUseRemoteAddress(BoolValue.of(side == Side.GATEWAY))
        .addUpgradeConfigs(HttpConnectionManager.UpgradeConfig.newBuilder().setUpgradeType("websocket"))
        .setStreamIdleTimeout(Protos.ZERO)
        .setNormalizePath(BoolValue.of(true))
        .setPathWithEscapedSlashesAction(HttpConnectionManager.PathWithEscapedSlashesAction.KEEP_UNCHANGED);
  }

  private static Filter hcmFilter(HttpConnectionManager.Builder hcm) {
    return Filter.newBuilder().setName(HCM).setTypedConfig(Protos.any(hcm.build())).build();
  }

  /**
   * Envoy's HTTP filters: fault and CORS (configured per route, inert elsewhere), then the router.
   */
  static List<HttpFilter> proxyFilters() {
    return List.of(
        httpFilter(Faults.FILTER, Protos.any(HTTPFault.getDefaultInstance())),
        httpFilter(Cors.FILTER, Protos.any(io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors.getDefaultInstance())),
        router());
  }

  /**
   * A proxyless gRPC client's HTTP filters: the router last (gRFC A39), the fault filter before it
   * only when a route injects faults (gRFC A33).
   */
  static List<HttpFilter> grpcFilters(boolean fault) {
    List<HttpFilter> out = new ArrayList<>();
    if (fault) {
      out.add(httpFilter(Faults.FILTER, Protos.any(HTTPFault.getDefaultInstance())));
    }
    out.add(router());
    return out;
  }

  static HttpFilter router() {
    return httpFilter(ROUTER, Protos.any(Router.getDefaultInstance()));
  }

  private static HttpFilter httpFilter(String name, com.google.protobuf.Any config) {
    return HttpFilter.newBuilder().setName(name).setTypedConfig(config).build();
  }

  static Filter tcpProxy(String statPrefix, String cluster) {
    return Filter.newBuilder().setName(TCP_PROXY).setTypedConfig(Protos.any(
        TcpProxy.newBuilder().setStatPrefix(statPrefix).setCluster(cluster).build())).build();
  }

  /** A tcp_proxy to the destinations of a VirtualService tcp/tls route (weighted when several). */
  static Filter tcpProxy(List<VirtualService.RouteDestination> route, java.util.function.Function<VirtualService.RouteDestination, String> cluster) {
    if (route.size() == 1) {
      String c = cluster.apply(route.getFirst());
      return tcpProxy(c, c);
    }
    TcpProxy.WeightedCluster.Builder w = TcpProxy.WeightedCluster.newBuilder();
    boolean anyWeight = route.stream().anyMatch(d -> d.weight() != null && d.weight() > 0);
    for (VirtualService.RouteDestination d : route) {
      int weight = anyWeight ? (d.weight() == null ? 0 : d.weight()) : 1;
      if (weight > 0) {
        w.addClusters(TcpProxy.WeightedCluster.ClusterWeight.newBuilder().setName(cluster.apply(d)).setWeight(weight));
      }
    }
    return Filter.newBuilder().setName(TCP_PROXY).setTypedConfig(Protos.any(
        TcpProxy.newBuilder().setStatPrefix(w.getClusters(0).getName()).setWeightedClusters(w).build())).build();
  }

  static ListenerFilter tlsInspector() {
    return ListenerFilter.newBuilder().setName("envoy.filters.listener.tls_inspector")
        .setTypedConfig(Protos.any(TlsInspector.getDefaultInstance())).build();
  }

  static ListenerFilter originalDst() {
    return ListenerFilter.newBuilder().setName("envoy.filters.listener.original_dst")
        .setTypedConfig(Protos.any(OriginalDst.getDefaultInstance())).build();
  }
}
