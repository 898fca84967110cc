package dev.weft.config.kube;

import java.util.Map;

/** A Kubernetes ConfigMap (the mesh config, istio-ca-root-cert...): its string data. */
public record ConfigMap(Map<String, String> data) {
  public ConfigMap {
    data = Map.copyOf(data);
  }
}
