package dev.weft.controlplane.xds.server;

import com.google.protobuf.Any;
import dev.weft.controlplane.xds.ProxyConfigSource;
import dev.weft.controlplane.xds.ProxyNode;
import dev.weft.controlplane.xds.ResourceType;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A configuration the test edits: resources for every proxy, plus optional per-proxy overrides
 * (to show that a push reaches only proxies whose resources changed).
 */
final class TestSource implements ProxyConfigSource {

    private final Map<ResourceType, Map<String, Any>> shared = new EnumMap<>(ResourceType.class);
    private final Map<String, Map<ResourceType, Map<String, Any>>> perProxy = new ConcurrentHashMap<>();
    final AtomicInteger calls = new AtomicInteger();

    synchronized TestSource put(ResourceType type, String name, Any resource) {
        shared.computeIfAbsent(type, t -> new LinkedHashMap<>()).put(name, resource);
        return this;
    }

    synchronized TestSource remove(ResourceType type, String name) {
        shared.computeIfAbsent(type, t -> new LinkedHashMap<>()).remove(name);
        return this;
    }

    synchronized TestSource putFor(String proxyId, ResourceType type, String name, Any resource) {
        perProxy.computeIfAbsent(proxyId, id -> new EnumMap<>(ResourceType.class))
                .computeIfAbsent(type, t -> new LinkedHashMap<>())
                .put(name, resource);
        return this;
    }

    @Override
    public synchronized Map<String, Any> resources(ProxyNode proxy, ResourceType type) {
        calls.incrementAndGet();
        Map<String, Any> result = new LinkedHashMap<>(shared.getOrDefault(type, Map.of()));
        result.putAll(perProxy.getOrDefault(proxy.id(), Map.of()).getOrDefault(type, Map.of()));
        return result;
    }
}
