package dev.weft.controlplane.api;

import dev.weft.controlplane.api.ApiTypes.NackView;
import dev.weft.controlplane.api.ApiTypes.ProxyList;
import dev.weft.controlplane.api.ApiTypes.ProxyView;
import dev.weft.controlplane.api.ApiTypes.TypeView;
import dev.weft.controlplane.xds.ResourceType;
import dev.weft.controlplane.xds.server.ProxyStatus;
import dev.weft.controlplane.xds.server.XdsServer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


/** The xDS endpoints: connected proxies and their sync state ({@code weft proxy-status}), and what each was sent ({@code weft proxy-config}). */
final class ProxyEndpoints {
  private final XdsServer xds;

  /** @param xds null when the xDS server does not run in this control plane */
  ProxyEndpoints(XdsServer xds) {
    this.xds = xds;
  }


  /** GET /api/v1/proxies and /api/v1/proxies/ID/config?type=TYPE. */
  Reply proxies(ApiRequest req) {
    List<String> parts = req.parts();
    Map<String, String> query = req.query();
    String path = req.path();
    if (xds == null) {
      throw new ApiException(404, "the xDS server is not running in this control plane");
    }
    if (parts.size() == 3) {
      return Reply.json(200, new ProxyList(xds.proxyStatus().stream().map(ProxyEndpoints::proxyView).toList()));
    }
    if (parts.size() != 5 || !parts.get(4).equals("config")) {
      throw new ApiException(404, "no such endpoint: " + path + "; use /api/v1/proxies or /api/v1/proxies/ID/config?type=TYPE");
    }
    String id = ApiRequest.decode(parts.get(3));
    String typeName = query.getOrDefault("type", "");
    ResourceType type = switch (typeName) {
      case "listeners", "listener", "lds" -> ResourceType.LISTENER;
      case "routes", "route", "rds" -> ResourceType.ROUTE;
      case "virtualhosts", "virtualhost", "vhds" -> ResourceType.VIRTUAL_HOST;
      case "clusters", "cluster", "cds" -> ResourceType.CLUSTER;
      case "endpoints", "endpoint", "eds" -> ResourceType.ENDPOINT;
      case "secrets", "secret", "sds" -> ResourceType.SECRET;
      default -> throw new ApiException(400, "type: \"" + typeName + "\" is not one of listeners, routes, virtualhosts, clusters, endpoints, secrets");
    };
    String json = xds.proxyConfigJson(id, type)
        .orElseThrow(() -> new ApiException(404, "proxy " + id + " is not connected"));
    return new Reply(200, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  private static ProxyView proxyView(ProxyStatus s) {
    Map<String, TypeView> types = new LinkedHashMap<>();
    s.types().forEach((type, t) -> types.put(type.shortName(), new TypeView(t.state().name(), t.sentVersion(), t.ackedVersion(),
        t.resourceNames().size(), t.responsesSent(),
        t.lastNack().map(n -> new NackView(n.version(), n.message(), n.at().toString())).orElse(null))));
    return new ProxyView(s.proxy().id(), s.connectionId(), s.proxy().type().name(), s.proxy().namespace(), s.proxy().cluster(),
        s.protocol().name(), s.peer(), s.connectedSince().toString(), proxyVersion(s.proxy().node()), types);
  }

  /** What the proxy says its version is: Istio's ISTIO_VERSION metadata, else its user agent. */
  private static String proxyVersion(io.envoyproxy.envoy.config.core.v3.Node node) {
    com.google.protobuf.Value v = node.getMetadata().getFieldsMap().get("ISTIO_VERSION");
    if (v != null && v.hasStringValue() && !v.getStringValue().isEmpty()) {
      return v.getStringValue();
    }
    String agent = node.getUserAgentName();
    String version = node.hasUserAgentBuildVersion()
        ? node.getUserAgentBuildVersion().getVersion().getMajorNumber() + "." + node.getUserAgentBuildVersion().getVersion().getMinorNumber()
            + "." + node.getUserAgentBuildVersion().getVersion().getPatch()
        : node.getUserAgentVersion();
    String out = (agent + " " + version).strip();
    return out.isEmpty() ? "" : out;
  }
}
