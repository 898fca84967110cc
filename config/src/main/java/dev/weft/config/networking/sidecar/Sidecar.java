package dev.weft.config.networking.sidecar;

import dev.weft.config.model.WorkloadSelector;
import dev.weft.config.networking.destinationrule.ConnectionPool;
import dev.weft.config.networking.gateway.ServerTls;
import dev.weft.config.networking.virtualservice.Destination;
import java.util.List;

/**
 * networking.istio.io Sidecar: narrows what a workload's proxy accepts (ingress listeners) and
 * which services it can reach (egress hosts), instead of every port and every service in the mesh.
 *
 * @param workloadSelector null when absent: the Sidecar is the namespace default
 * @param outboundTrafficPolicy null when absent (the mesh setting applies)
 * @param inboundConnectionPool null when absent
 */
public record Sidecar(
    WorkloadSelector workloadSelector,
    List<IngressListener> ingress,
    List<EgressListener> egress,
    OutboundTrafficPolicy outboundTrafficPolicy,
    ConnectionPool inboundConnectionPool) {

  public Sidecar {
    ingress = List.copyOf(ingress);
    egress = List.copyOf(egress);
  }

  /** A port of a listener; number 0 (or absent) with a "unix://" bind is a Unix domain socket. */
  public record Port(Integer number, String protocol, String name, Integer targetPort) {}

  /**
   * Where the proxy accepts inbound traffic and where it forwards it.
   *
   * @param captureMode DEFAULT when not written
   * @param tls null when the listener is plain text
   */
  public record IngressListener(Port port, String bind, CaptureMode captureMode, String defaultEndpoint, ServerTls tls,
      ConnectionPool connectionPool) {}

  /**
   * Outbound traffic the proxy handles, and the services ("namespace/host") it may reach.
   *
   * @param port null for the catch-all listener
   */
  public record EgressListener(Port port, String bind, CaptureMode captureMode, List<String> hosts) {
    public EgressListener {
      hosts = List.copyOf(hosts);
    }
  }

  /** How traffic reaches the listener. */
  public enum CaptureMode {
    DEFAULT,
    IPTABLES,
    NONE
  }

  /**
   * What happens to traffic for hosts outside the registry.
   *
   * @param mode REGISTRY_ONLY when not written (the proto's zero value)
   * @param egressProxy where unknown outbound traffic is sent under ALLOW_ANY; null when absent
   */
  public record OutboundTrafficPolicy(Mode mode, Destination egressProxy) {
    public enum Mode {
      REGISTRY_ONLY,
      ALLOW_ANY
    }
  }
}
