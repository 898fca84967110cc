package dev.weft.config.model;

/** Identity of a resource: kind, namespace ("" for cluster-scoped kinds) and name. */
public record ResourceKey(Kind kind, String namespace, String name) implements Comparable<ResourceKey> {

  /** "VirtualService default/reviews", as istioctl names resources. */
  @Override
  public String toString() {
    return kind.kindName() + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
  }

  @Override
  public int compareTo(ResourceKey o) {
    int c = kind.compareTo(o.kind);
    if (c == 0) {
      c = namespace.compareTo(o.namespace);
    }
    return c != 0 ? c : name.compareTo(o.name);
  }
}
