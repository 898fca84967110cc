package dev.weft.config.kube;

import java.util.Map;

/**
 * An apps/v1 Deployment: the pods it would run, for analysis before they exist.
 *
 * @param replicas null when absent (Kubernetes defaults 1)
 * @param selector spec.selector.matchLabels
 */
public record Deployment(Integer replicas, Map<String, String> selector, Template template) {
  public Deployment {
    selector = Map.copyOf(selector);
  }

  /** spec.template: the labels and annotations every pod gets, and their spec. */
  public record Template(Map<String, String> labels, Map<String, String> annotations, PodSpec spec) {
    public Template {
      labels = Map.copyOf(labels);
      annotations = Map.copyOf(annotations);
    }
  }
}
