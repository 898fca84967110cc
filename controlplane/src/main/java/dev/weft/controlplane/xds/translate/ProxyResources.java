package dev.weft.controlplane.xds.translate;

import com.google.protobuf.Any;
import dev.weft.controlplane.xds.ResourceType;
import java.util.EnumMap;
import java.util.Map;

/** All xDS resources of one proxy, by type and then by resource name (each packed as Any). */
public record ProxyResources(Map<ResourceType, Map<String, Any>> byType) {
  public ProxyResources {
    Map<ResourceType, Map<String, Any>> copy = new EnumMap<>(ResourceType.class);
    byType.forEach((t, m) -> copy.put(t, Map.copyOf(m)));
    byType = java.util.Collections.unmodifiableMap(copy);
  }

  public Map<String, Any> of(ResourceType type) {
    return byType.getOrDefault(type, Map.of());
  }
}
