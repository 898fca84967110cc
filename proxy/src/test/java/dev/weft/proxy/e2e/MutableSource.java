package dev.weft.proxy.e2e;

import com.google.protobuf.Any;
import dev.weft.controlplane.xds.ProxyConfigSource;
import dev.weft.controlplane.xds.ProxyNode;
import dev.weft.controlplane.xds.ResourceType;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** A hand-built configuration the test edits, served to every proxy. */
final class MutableSource implements ProxyConfigSource {

    private final Map<ResourceType, Map<String, Any>> resources = new EnumMap<>(ResourceType.class);

    synchronized MutableSource put(ResourceType type, String name, Any resource) {
        resources.computeIfAbsent(type, t -> new LinkedHashMap<>()).put(name, resource);
        return this;
    }

    synchronized MutableSource remove(ResourceType type, String name) {
        resources.getOrDefault(type, new LinkedHashMap<>()).remove(name);
        return this;
    }

    @Override
    public synchronized Map<String, Any> resources(ProxyNode proxy, ResourceType type) {
        return new LinkedHashMap<>(resources.getOrDefault(type, Map.of()));
    }
}
