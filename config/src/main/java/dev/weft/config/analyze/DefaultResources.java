package dev.weft.config.analyze;

import dev.weft.config.load.ConfigLoader;
import dev.weft.config.model.ConfigSet;
import dev.weft.config.model.Resource;
import dev.weft.config.model.ResourceKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resources istioctl assumes when it analyzes files only ({@code AddDefaultResources}): Istio's
 * default ingress gateway, a Pod and a Service in the Istio namespace, so that Gateways selecting
 * {@code istio: ingressgateway} are not reported as selecting nothing. Resources of the same key in
 * the user's input replace them.
 */
public final class DefaultResources {
  /** The origin these resources are reported with. */
  public static final String ORIGIN = "istio-default-resources";

  private DefaultResources() {}

  /** The default resources as Kubernetes YAML (empty when the mesh turns the ingress controller off). */
  public static String yaml(MeshConfig mesh) {
    if (mesh.ingressControllerOff()) {
      return "";
    }
    String ns = mesh.istioNamespace();
    String name = mesh.ingressService();
    return """
        apiVersion: v1
        kind: Pod
        metadata:
          name: %2$s-dummypod
          namespace: %1$s
          labels:
            istio: ingressgateway
        spec:
          containers:
          - name: istio-proxy
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: %2$s
          namespace: %1$s
        spec:
          selector:
            istio: ingressgateway
          ports:
          - name: http2
            port: 80
            targetPort: 80
            protocol: TCP
          - name: https
            port: 443
            targetPort: 443
            protocol: TCP
          - name: tcp
            port: 31400
            targetPort: 31400
            protocol: TCP
          - name: tls
            port: 15443
            targetPort: 15443
            protocol: TCP
        """.formatted(ns, name);
  }

  public static List<Resource<?>> resources(MeshConfig mesh) {
    String text = yaml(mesh);
    if (text.isEmpty()) {
      return List.of();
    }
    return new ConfigLoader().addText(ORIGIN, text).resources();
  }

  /** The user's resources plus the defaults they do not replace. */
  public static ConfigSet withDefaults(Collection<Resource<?>> user, MeshConfig mesh) {
    Map<ResourceKey, Resource<?>> all = new LinkedHashMap<>();
    for (Resource<?> r : resources(mesh)) {
      all.put(r.key(), r);
    }
    for (Resource<?> r : user) {
      all.put(r.key(), r);
    }
    return ConfigSet.of(new ArrayList<>(all.values()));
  }
}
