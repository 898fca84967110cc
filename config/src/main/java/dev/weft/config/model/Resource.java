package dev.weft.config.model;

import dev.weft.config.read.SourceMap;

/**
 * One configuration object: its kind, metadata and typed spec, plus where it came from.
 *
 * @param spec the kind's immutable spec record (e.g. {@code VirtualService}); its type is fixed by kind
 * @param sourceMap lines of the fields, for messages about them
 */
public record Resource<S>(Kind kind, String apiVersion, ObjectMeta meta, S spec, Origin origin, SourceMap sourceMap) {

  public ResourceKey key() {
    return new ResourceKey(kind, kind.namespaced() ? meta.namespace() : "", meta.name());
  }

  public String name() {
    return meta.name();
  }

  public String namespace() {
    return meta.namespace();
  }

  /** The line of a field path, e.g. {@code spec.http[0].route}. */
  public int lineOf(String path) {
    return sourceMap.lineOf(path);
  }

  /** Narrows to a known spec type, e.g. {@code r.as(VirtualService.class)}. */
  @SuppressWarnings("unchecked")
  public <T> Resource<T> as(Class<T> type) {
    if (!type.isInstance(spec)) {
      throw new ClassCastException(kind.kindName() + " spec is not a " + type.getSimpleName());
    }
    return (Resource<T>) this;
  }

  @Override
  public String toString() {
    return key().toString();
  }
}
