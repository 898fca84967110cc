package dev.weft.proxy.upstream;

import dev.weft.proxy.config.ClusterConfig;
import java.util.concurrent.atomic.AtomicInteger;

/** One cluster's circuit breakers: counters shared by all its hosts' pools, against its limits. */
final class ClusterLimits {

    final ClusterConfig.Limits limits;
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger pending = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    /** Retries scheduled or in flight (Envoy's retries resource). */
    final AtomicInteger retries = new AtomicInteger();

    ClusterLimits(ClusterConfig.Limits limits) {
        this.limits = limits;
    }

    /**
     * Takes a retry slot: under {@code max_retries}, or, with a retry budget, under its share of the
     * active and pending requests (Envoy's RetryBudget: never below min_retry_concurrency).
     */
    boolean tryStartRetry() {
        int max = limits.retryBudget()
                .map(budget -> Math.max(budget.minRetryConcurrency(),
                        (int) (budget.budgetPercent() / 100.0 * (requests.get() + pending.get()))))
                .orElse(limits.maxRetries());
        return tryIncrement(retries, max);
    }

    static boolean tryIncrement(AtomicInteger counter, int max) {
        while (true) {
            int current = counter.get();
            if (current >= max) {
                return false;
            }
            if (counter.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }
}
