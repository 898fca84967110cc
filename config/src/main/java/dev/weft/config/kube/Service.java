package dev.weft.config.kube;

import java.util.List;
import java.util.Map;

/**
 * The part of a Kubernetes Service the mesh uses: which pods it selects and the ports it exposes.
 *
 * @param type as written; null means ClusterIP
 * @param clusterIP null when absent, "None" for a headless service
 */
public record Service(Map<String, String> selector, List<Port> ports, String type, String clusterIP, String externalName) {
  public Service {
    selector = Map.copyOf(selector);
    ports = List.copyOf(ports);
  }

  public boolean headless() {
    return "None".equals(clusterIP);
  }

  /**
   * @param targetPort null when absent (then it equals {@code port})
   * @param protocol as written; null means TCP
   * @param appProtocol the application protocol (Istio reads it before the port name's prefix)
   */
  public record Port(String name, Integer port, IntOrString targetPort, String protocol, String appProtocol, Integer nodePort) {}
}
