package dev.weft.config.networking.destinationrule;

import dev.weft.config.model.WorkloadSelector;
import java.util.List;
import java.util.Map;

/**
 * networking.istio.io DestinationRule: what happens to traffic for a host after routing: load
 * balancing, connection pools, outlier detection, client TLS, and the named subsets (versions) of
 * the host's endpoints that routes can send to.
 *
 * @param trafficPolicy null when absent
 * @param workloadSelector null when absent: the rule then applies to every client in scope
 */
public record DestinationRule(
    String host, TrafficPolicy trafficPolicy, List<Subset> subsets, List<String> exportTo, WorkloadSelector workloadSelector) {

  public DestinationRule {
    subsets = List.copyOf(subsets);
    exportTo = List.copyOf(exportTo);
  }

  /** A named group of the host's endpoints (by labels), with an optional policy overriding the rule's. */
  public record Subset(String name, Map<String, String> labels, TrafficPolicy trafficPolicy) {
    public Subset {
      labels = Map.copyOf(labels);
    }
  }
}
