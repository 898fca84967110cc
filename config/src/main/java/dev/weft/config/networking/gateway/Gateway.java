package dev.weft.config.networking.gateway;

import java.util.List;
import java.util.Map;

/**
 * networking.istio.io Gateway: a load balancer at the edge of the mesh, the servers (ports, hosts,
 * TLS) it exposes, and which gateway workloads (by label) carry it.
 */
public record Gateway(Map<String, String> selector, List<Server> servers) {
  public Gateway {
    selector = Map.copyOf(selector);
    servers = List.copyOf(servers);
  }

  /** One port the gateway listens on, the hosts it serves there, and its TLS settings (null when plaintext). */
  public record Server(Port port, String bind, List<String> hosts, ServerTls tls, String defaultEndpoint, String name) {
    public Server {
      hosts = List.copyOf(hosts);
    }
  }

  /** Port of a server: number, protocol (as written; see {@code Protocol.parse}), name, optional targetPort. */
  public record Port(Integer number, String protocol, String name, Integer targetPort) {}
}
