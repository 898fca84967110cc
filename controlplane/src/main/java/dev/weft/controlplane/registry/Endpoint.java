package dev.weft.controlplane.registry;

import java.util.Map;

/**
 * One instance serving a service.
 *
 * @param service the hostname of the service it serves
 * @param address IP address (or, for DNS resolution, a host name)
 * @param ports service port name to this endpoint's port number
 * @param workload {@code namespace/name} of the workload behind it, for messages
 * @param weight relative share of traffic among the service's endpoints (1 when not set)
 */
public record Endpoint(String service, String address, Map<String, Integer> ports, Map<String, String> labels,
    String serviceAccount, Health health, Locality locality, int weight, String workload) {
  public Endpoint {
    ports = Map.copyOf(ports);
    labels = Map.copyOf(labels);
  }
}
