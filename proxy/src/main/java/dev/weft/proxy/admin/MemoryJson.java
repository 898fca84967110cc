package dev.weft.proxy.admin;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Envoy's admin {@code /memory}: {@code allocated} (bytes the proxy holds now) and {@code heap_size}
 * (bytes reserved for it), as strings like Envoy's; then where they are, in the JVM's terms: the
 * Java heap (used, committed, max), Netty's buffer allocator (bytes of its chunks in use, direct and
 * heap: a buffer never released keeps its chunk in use, so a leak shows here), and the JVM's direct
 * buffers. With {@code jcmd <pid> GC.run} first, {@code jvm_heap_used} is the live heap.
 */
final class MemoryJson {

    private MemoryJson() {
    }

    static Map<String, Long> figures() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long nettyDirect = 0;
        long nettyHeap = 0;
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            ByteBufAllocatorMetric metric = provider.metric();
            nettyDirect = Math.max(0, metric.usedDirectMemory());
            nettyHeap = Math.max(0, metric.usedHeapMemory());
        }
        long directUsed = 0;
        long directCapacity = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                directUsed = Math.max(0, pool.getMemoryUsed());
                directCapacity = Math.max(0, pool.getTotalCapacity());
            }
        }
        Map<String, Long> figures = new LinkedHashMap<>();
        figures.put("allocated", heap.getUsed() + directUsed);
        figures.put("heap_size", heap.getCommitted() + directCapacity);
        figures.put("jvm_heap_used", heap.getUsed());
        figures.put("jvm_heap_committed", heap.getCommitted());
        figures.put("jvm_heap_max", heap.getMax());
        figures.put("netty_used_direct", nettyDirect);
        figures.put("netty_used_heap", nettyHeap);
        figures.put("jvm_direct_used", directUsed);
        figures.put("jvm_direct_capacity", directCapacity);
        return figures;
    }

    static String print() {
        return figures().entrySet().stream()
                .map(e -> "  \"" + e.getKey() + "\": \"" + e.getValue() + "\"")
                .collect(Collectors.joining(",\n", "{\n", "\n}\n"));
    }
}
