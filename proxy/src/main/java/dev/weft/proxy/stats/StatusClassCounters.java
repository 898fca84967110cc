package dev.weft.proxy.stats;

import java.util.concurrent.atomic.LongAdder;

/**
 * The counters {@code <prefix>total} and {@code <prefix>1xx..5xx} of one name prefix (for example
 * {@code http.ingress.downstream_rq_}), looked up once and then kept: a connection bumps them for
 * every request, and building the names and looking them up per request was a visible share of the
 * proxy's per-request CPU. Same counters as {@link ProxyStats#inc} with the full name.
 */
public final class StatusClassCounters {

    private final ProxyStats stats;
    private final String prefix;
    private LongAdder total; // looked up on first use: a counter appears in /stats once bumped, as before
    private final LongAdder[] byClass = new LongAdder[10];

    public StatusClassCounters(ProxyStats stats, String prefix) {
        this.stats = stats;
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    public void incTotal() {
        LongAdder counter = total;
        if (counter == null) {
            counter = stats.counter(prefix + "total");
            total = counter;
        }
        counter.increment();
    }

    public void incStatus(int status) {
        int hundreds = status / 100;
        if (hundreds < 0 || hundreds >= byClass.length) {
            stats.inc(prefix + ProxyStats.statusClass(status));
            return;
        }
        LongAdder counter = byClass[hundreds];
        if (counter == null) {
            // A benign race if two threads share this: both get the same counter from ProxyStats.
            counter = stats.counter(prefix + ProxyStats.statusClass(status));
            byClass[hundreds] = counter;
        }
        counter.increment();
    }
}
