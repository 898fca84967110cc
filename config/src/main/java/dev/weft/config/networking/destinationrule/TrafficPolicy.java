package dev.weft.config.networking.destinationrule;

import dev.weft.config.networking.PortSelector;
import java.util.List;

/**
 * How a client treats connections to a destination. Every part is null when absent;
 * {@code portLevelSettings} override the rest for single ports.
 */
public record TrafficPolicy(
    LoadBalancer loadBalancer,
    ConnectionPool connectionPool,
    OutlierDetection outlierDetection,
    ClientTls tls,
    List<PortTrafficPolicy> portLevelSettings,
    Tunnel tunnel,
    ProxyProtocol proxyProtocol) {

  public TrafficPolicy {
    portLevelSettings = List.copyOf(portLevelSettings);
  }

  /** The policy for one port of the destination (not inherited from the rule-level policy). */
  public record PortTrafficPolicy(
      PortSelector port, LoadBalancer loadBalancer, ConnectionPool connectionPool, OutlierDetection outlierDetection, ClientTls tls) {}

  /**
   * Tunnel the downstream TCP connection through HTTP CONNECT or POST to {@code targetHost:targetPort}.
   *
   * @param protocol "CONNECT" (the default when null) or "POST"
   */
  public record Tunnel(String protocol, String targetHost, Integer targetPort) {}

  /** Send the PROXY protocol header upstream; {@code version} V1 when not written. */
  public record ProxyProtocol(Version version) {
    public enum Version {
      V1,
      V2
    }
  }
}
