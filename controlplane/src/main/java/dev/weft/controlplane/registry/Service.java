package dev.weft.controlplane.registry;

import java.util.List;
import java.util.Map;

/**
 * A service as the mesh routes to it, whatever registry it came from.
 *
 * @param hostname fully qualified: {@code reviews.default.svc.cluster.local}, {@code api.example.com}
 * @param selector labels of the workloads that serve it (empty when its endpoints are listed instead)
 * @param addresses virtual IPs or CIDRs it is reached at; empty when it has none
 * @param registry the name of the registry that defined it, for messages and debugging
 */
public record Service(String hostname, String namespace, List<ServicePort> ports, Map<String, String> labels,
    Map<String, String> selector, Resolution resolution, MeshLocation location, List<String> addresses, String registry) {
  public Service {
    ports = List.copyOf(ports);
    labels = Map.copyOf(labels);
    selector = Map.copyOf(selector);
    addresses = List.copyOf(addresses);
  }
}
