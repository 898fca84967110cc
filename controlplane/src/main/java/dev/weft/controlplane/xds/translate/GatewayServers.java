package dev.weft.controlplane.xds.translate;

import dev.weft.config.model.Protocol;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.gateway.Gateway;
import dev.weft.config.networking.gateway.ServerTls;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The servers of the Gateways a router carries, by port (Istio's MergedGateway): what each port
 * listens for and how the server's traffic is handled.
 */
final class GatewayServers {
  private GatewayServers() {}

  /** How a server's connections are handled. */
  enum Mode {
    /** Plain HTTP: HTTP connection manager, routes from RDS {@code http.<port>}. */
    HTTP,
    /** TLS terminated here, then HTTP: one filter chain per server, RDS {@code https.<port>.<name>.<gateway>.<ns>}. */
    HTTPS,
    /** TLS not terminated: by SNI to VirtualService tls routes. */
    TLS_PASSTHROUGH,
    /** Opaque TCP (or TLS terminated then TCP): VirtualService tcp routes. */
    TCP
  }

  /** A server of a gateway, with its gateway's identity. */
  record Server(Resource<Gateway> gateway, Gateway.Server server, int index) {
    String gatewayKey() {
      return gateway.namespace() + "/" + gateway.name();
    }

    int port() {
      return server.port().number();
    }

    Protocol protocol() {
      return Protocol.parse(server.port().protocol());
    }

    Mode mode() {
      Protocol p = protocol();
      ServerTls tls = server.tls();
      if (p.isHttp()) {
        return Mode.HTTP;
      }
      if (p == Protocol.HTTPS) {
        return terminated(tls) ? Mode.HTTPS : Mode.TLS_PASSTHROUGH;
      }
      if (p == Protocol.TLS) {
        return terminated(tls) ? Mode.TCP : Mode.TLS_PASSTHROUGH;
      }
      return Mode.TCP;
    }

    /** Istio's route config name for a terminated HTTPS server. */
    String httpsRouteName() {
      String portName = server.port().name() == null ? "" : server.port().name();
      return "https." + port() + "." + portName + "." + gateway.name() + "." + gateway.namespace();
    }

    /** The server's hosts without their namespace part ("ns/host" -> "host"). */
    List<String> hosts() {
      return server.hosts().stream().map(h -> h.contains("/") ? h.substring(h.indexOf('/') + 1) : h).toList();
    }

    /** Whether a VirtualService in {@code vsNamespace} may bind to this server's host entry {@code i}. */
    boolean namespaceAllows(String entry, String vsNamespace) {
      if (!entry.contains("/")) {
        return true;
      }
      String ns = entry.substring(0, entry.indexOf('/'));
      return ns.equals("*") || ns.equals(".") && vsNamespace.equals(gateway.namespace()) || ns.equals(vsNamespace);
    }
  }

  private static boolean terminated(ServerTls tls) {
    return tls != null && tls.mode() != null && tls.mode() != ServerTls.Mode.PASSTHROUGH
        && tls.mode() != ServerTls.Mode.AUTO_PASSTHROUGH;
  }

  /** Every server of the proxy's gateways, grouped by port number, in port then gateway order. */
  static Map<Integer, List<Server>> byPort(ProxyScope scope) {
    Map<Integer, List<Server>> out = new TreeMap<>();
    for (Resource<Gateway> g : scope.gateways()) {
      List<Gateway.Server> servers = g.spec().servers();
      for (int i = 0; i < servers.size(); i++) {
        Gateway.Server s = servers.get(i);
        if (s.port() == null || s.port().number() == null) {
          continue;
        }
        out.computeIfAbsent(s.port().number(), k -> new ArrayList<>()).add(new Server(g, s, i));
      }
    }
    return out;
  }

  /**
   * The host a VirtualService host and a server host have in common (the more specific), or null.
   */
  static String intersect(String serverHost, String vsHost) {
    if (dev.weft.config.model.Hosts.matches(serverHost, vsHost)) {
      return vsHost;
    }
    if (dev.weft.config.model.Hosts.matches(vsHost, serverHost)) {
      return serverHost;
    }
    return null;
  }
}
