package dev.weft.proxy.stats;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters with Envoy's names ({@code http.<prefix>.downstream_rq_total},
 * {@code cluster.<name>.upstream_rq_2xx}, ...). Cheap to bump from any thread; /stats prints them
 * sorted.
 */
public final class ProxyStats {

    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

    public LongAdder counter(String name) {
        return counters.computeIfAbsent(name, n -> new LongAdder());
    }

    public void inc(String name) {
        counter(name).increment();
    }

    public long get(String name) {
        LongAdder counter = counters.get(name);
        return counter == null ? 0 : counter.sum();
    }

    /** The status class counter name part: 2xx, 4xx, ... */
    public static String statusClass(int status) {
        return (status / 100) + "xx";
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> result = new TreeMap<>();
        counters.forEach((name, counter) -> result.put(name, counter.sum()));
        return result;
    }
}
