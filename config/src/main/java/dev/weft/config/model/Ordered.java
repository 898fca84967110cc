package dev.weft.config.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable copies that keep the order the YAML was written in. {@code Map.copyOf} does not (its
 * iteration order changes from run to run), which would make messages and generated config
 * unstable where order is visible: header matches, headers to set.
 */
public final class Ordered {
  private Ordered() {}

  public static <K, V> Map<K, V> copyOf(Map<K, V> map) {
    if (map.isEmpty()) {
      return Map.of();
    }
    LinkedHashMap<K, V> copy = new LinkedHashMap<>(map.size() * 2);
    map.forEach((k, v) -> copy.put(Objects.requireNonNull(k), Objects.requireNonNull(v)));
    return Collections.unmodifiableMap(copy);
  }
}
