package dev.weft.config.networking.workloadentry;

import java.util.Map;

/**
 * networking.istio.io WorkloadEntry: one non-Kubernetes workload (a VM, a bare-metal host) as an
 * endpoint of the mesh. The same message is a ServiceEntry endpoint and a WorkloadGroup template.
 *
 * @param address IP, DNS name or "unix://path"; null when absent
 * @param ports port name (of the service) to the port this workload listens on
 * @param weight load balancing weight, null when absent
 */
public record WorkloadEntry(
    String address,
    Map<String, Long> ports,
    Map<String, String> labels,
    String network,
    String locality,
    Long weight,
    String serviceAccount) {

  public WorkloadEntry {
    ports = Map.copyOf(ports);
    labels = Map.copyOf(labels);
  }
}
