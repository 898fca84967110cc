package dev.weft.proxy.stats;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters with Envoy's names ({@code http.<prefix>.downstream_rq_total},
 * {@code cluster.<name>.upstream_rq_2xx}, ...). Cheap to bump from any thread; /stats prints them
 * sorted. Gauges (values that go up and down: {@code listener.<address>.downstream_cx_active}) are kept
 * apart, as Envoy does, so /stats/prometheus can type them.
 */
public final class ProxyStats {

    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

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
        int hundreds = status / 100;
        // Built once: every request names its status class (twice), and concatenating here showed up
        // in the proxy's per-request allocation profile.
        return hundreds >= 0 && hundreds < STATUS_CLASSES.length ? STATUS_CLASSES[hundreds] : hundreds + "xx";
    }

    private static final String[] STATUS_CLASSES = {"0xx", "1xx", "2xx", "3xx", "4xx", "5xx", "6xx", "7xx", "8xx", "9xx"};

    public Map<String, Long> snapshot() {
        Map<String, Long> result = new TreeMap<>();
        counters.forEach((name, counter) -> result.put(name, counter.sum()));
        return result;
    }

    /** A gauge (created at zero): add a negative delta to lower it. */
    public AtomicLong gauge(String name) {
        return gauges.computeIfAbsent(name, n -> new AtomicLong());
    }

    public long gaugeValue(String name) {
        AtomicLong gauge = gauges.get(name);
        return gauge == null ? 0 : gauge.get();
    }

    public Map<String, Long> gaugeSnapshot() {
        Map<String, Long> result = new TreeMap<>();
        gauges.forEach((name, gauge) -> result.put(name, gauge.get()));
        return result;
    }
}
