package dev.weft.config.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable snapshot of resources, indexed by kind and key. What analysis and translation read.
 */
public final class ConfigSet {
  private final Map<ResourceKey, Resource<?>> byKey;
  private final Map<Kind, List<Resource<?>>> byKind;

  private ConfigSet(Collection<Resource<?>> resources) {
    Map<ResourceKey, Resource<?>> keys = new TreeMap<>();
    for (Resource<?> r : resources) {
      keys.put(r.key(), r);
    }
    this.byKey = Collections.unmodifiableMap(keys);
    Map<Kind, List<Resource<?>>> kinds = new EnumMap<>(Kind.class);
    for (Resource<?> r : keys.values()) {
      kinds.computeIfAbsent(r.kind(), k -> new ArrayList<>()).add(r);
    }
    kinds.replaceAll((k, v) -> List.copyOf(v));
    this.byKind = Collections.unmodifiableMap(kinds);
  }

  public static ConfigSet of(Collection<Resource<?>> resources) {
    return new ConfigSet(resources);
  }

  public static ConfigSet empty() {
    return new ConfigSet(List.of());
  }

  /** Every resource of a kind, sorted by namespace and name, typed by its spec class. */
  @SuppressWarnings("unchecked")
  public <S> List<Resource<S>> all(Kind kind, Class<S> spec) {
    List<Resource<?>> list = byKind.getOrDefault(kind, List.of());
    for (Resource<?> r : list) {
      r.as(spec); // fail fast on a kind/spec mismatch, a programming error
    }
    return (List<Resource<S>>) (List<?>) list;
  }

  public List<Resource<?>> all(Kind kind) {
    return byKind.getOrDefault(kind, List.of());
  }

  public Optional<Resource<?>> get(ResourceKey key) {
    return Optional.ofNullable(byKey.get(key));
  }

  public Collection<Resource<?>> resources() {
    return byKey.values();
  }

  public int size() {
    return byKey.size();
  }
}
