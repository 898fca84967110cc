package dev.weft.config.model;

import java.util.Map;

/** The part of Kubernetes' metadata Weft uses. {@code namespace} is already defaulted. */
public record ObjectMeta(String name, String namespace, Map<String, String> labels, Map<String, String> annotations) {
  public ObjectMeta {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }
}
