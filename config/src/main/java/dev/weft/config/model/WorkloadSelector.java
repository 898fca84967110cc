package dev.weft.config.model;

import dev.weft.config.read.MapReader;
import java.util.Map;

/**
 * Which workloads (pods, VMs) a resource applies to, by their labels. Istio has two spellings of
 * the same idea: {@code istio.type.v1beta1.WorkloadSelector} writes {@code matchLabels}
 * (DestinationRule, security kinds), the older networking one writes {@code labels} (Sidecar,
 * ServiceEntry). Both read into this record.
 */
public record WorkloadSelector(Map<String, String> labels) {
  public WorkloadSelector {
    labels = Map.copyOf(labels);
  }

  /** Reads {@code {matchLabels: {...}}}. */
  public static WorkloadSelector readMatchLabels(MapReader r) {
    return new WorkloadSelector(r.stringMap("matchLabels"));
  }

  /** Reads {@code {labels: {...}}}. */
  public static WorkloadSelector readLabels(MapReader r) {
    return new WorkloadSelector(r.stringMap("labels"));
  }
}
