package dev.weft.config.security;

import java.util.Map;

/**
 * istio.type.v1beta1.WorkloadSelector as the security kinds use it: the workloads (by label) a
 * policy applies to. Present but empty ({@code selector: {}}) differs from absent: Istio warns.
 */
public record WorkloadSelector(Map<String, String> matchLabels) {
  public WorkloadSelector {
    matchLabels = Map.copyOf(matchLabels);
  }
}
