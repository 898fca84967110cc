package dev.weft.config.analyze;

import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.model.ResourceKey;
import java.util.ArrayList;
import java.util.List;

/** Istio's resource naming helpers for analysis. */
public final class Names {
  private Names() {}

  /** "namespace/name", Istio's FullName.String(). */
  public static String full(Resource<?> r) {
    return r.namespace() + "/" + r.name();
  }

  /** Istio's NewShortOrFullName: "ns/name" names a resource there, "name" one in {@code namespace}. */
  public static ResourceKey shortOrFull(Kind kind, String namespace, String name) {
    int slash = name.indexOf('/');
    return slash < 0 ? new ResourceKey(kind, namespace, name)
        : new ResourceKey(kind, name.substring(0, slash), name.substring(slash + 1));
  }

  /** Istio's exportTo scopes: none or "*" means all namespaces ("*"); "." is the resource's own. */
  public static List<String> scopes(List<String> exportTo, String namespace) {
    if (exportTo.isEmpty() || exportTo.contains("*")) {
      return List.of("*");
    }
    List<String> out = new ArrayList<>();
    for (String e : exportTo) {
      String s = e.equals(".") ? namespace : e;
      if (!out.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }

  /** Istio's ConvertHostToFQDN: a name with a dot, or a wildcard, is taken as written. */
  public static String fqdn(String namespace, String host, MeshConfig mesh) {
    if (host.startsWith("*") || host.contains(".")) {
      return host;
    }
    return host + "." + namespace + ".svc." + mesh.domainSuffix();
  }
}
