package dev.weft.config.analyze;

import dev.weft.config.kube.Pod;
import dev.weft.config.kube.PodSpec;
import dev.weft.config.model.ConfigSet;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.model.ResourceKey;
import java.util.Map;

/**
 * Whether a workload takes part in the mesh, and how, as Istio's analyzers decide it
 * (util.PodInMesh, PodInAmbientMode, NamespaceInAmbientMode).
 */
public final class Workloads {
  static final String PROXY_CONTAINER = "istio-proxy";
  static final String INJECT = "sidecar.istio.io/inject";
  static final String NAMESPACE_INJECTION = "istio-injection";
  static final String AMBIENT_REDIRECTION = "ambient.istio.io/redirection";
  static final String DATAPLANE_MODE = "istio.io/dataplane-mode";
  static final String REVISION = "istio.io/rev";

  private Workloads() {}

  /**
   * The pod has a sidecar: an {@code istio-proxy} container with an image; else its
   * {@code sidecar.istio.io/inject} label, then annotation, says "true"; else its namespace has
   * {@code istio-injection=enabled}.
   */
  public static boolean podInMesh(ConfigSet config, Resource<Pod> pod) {
    for (PodSpec.Container c : pod.spec().spec().containers()) {
      if (PROXY_CONTAINER.equals(c.name())) {
        if (c.image() != null && !c.image().isEmpty()) {
          return true;
        }
        break;
      }
    }
    Map<String, String> labels = pod.meta().labels();
    if (labels.containsKey(INJECT)) {
      return labels.get(INJECT).equals("true");
    }
    Map<String, String> annotations = pod.meta().annotations();
    if (annotations.containsKey(INJECT)) {
      return annotations.get(INJECT).equals("true");
    }
    return config.get(new ResourceKey(Kind.NAMESPACE, "", pod.namespace()))
        .map(ns -> "enabled".equals(ns.meta().labels().get(NAMESPACE_INJECTION)))
        .orElse(false);
  }

  /** The pod's traffic is redirected to ztunnel ({@code ambient.istio.io/redirection: enabled}). */
  public static boolean podInAmbientMode(Resource<?> pod) {
    return pod != null && "enabled".equals(pod.meta().annotations().get(AMBIENT_REDIRECTION));
  }

  /**
   * The namespace is labelled {@code istio.io/dataplane-mode: ambient} and neither sidecar injection
   * nor a revision (which would inject sidecars) is set on it. Null (no such namespace) is not ambient.
   */
  public static boolean namespaceInAmbientMode(Resource<?> namespace) {
    if (namespace == null) {
      return false;
    }
    Map<String, String> labels = namespace.meta().labels();
    if ("enabled".equals(labels.get(NAMESPACE_INJECTION))) {
      return false;
    }
    String rev = labels.get(REVISION);
    if (rev != null && !rev.isEmpty()) {
      return false;
    }
    return "ambient".equals(labels.get(DATAPLANE_MODE));
  }
}
