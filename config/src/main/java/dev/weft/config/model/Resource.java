package dev.weft.config.model;

import dev.weft.config.read.SourceMap;
import dev.weft.config.yaml.YamlNode;

/**
 * One configuration object: its kind, metadata and typed spec, plus where it came from.
 *
 * @param spec the kind's immutable spec record (e.g. {@code VirtualService}); its type is fixed by kind
 * @param sourceMap lines of the fields, for messages about them
 * @param document the YAML object it was read from (the item, for a {@code List}): what the control
 *     plane stores and writes back, so that fields Weft reads leniently are kept as written
 */
public record Resource<S>(Kind kind, String apiVersion, ObjectMeta meta, S spec, Origin origin, SourceMap sourceMap,
    YamlNode.Mapping document) {

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
