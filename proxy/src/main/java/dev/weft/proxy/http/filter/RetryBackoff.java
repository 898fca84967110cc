package dev.weft.proxy.http.filter;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Envoy's JitteredExponentialBackOffStrategy for retries: the n-th wait is a uniformly random time
 * in [0, min(base x 2^n, max)) ("full jitter": retries of many clients spread out instead of coming
 * back together). Unlike the xDS reconnect backoff, which keeps half of each step.
 */
final class RetryBackoff {

    private final long maxMillis;
    private final RandomGenerator random;
    private long nextMillis;

    RetryBackoff(Duration base, Duration max, RandomGenerator random) {
        this.nextMillis = Math.max(1, base.toMillis());
        this.maxMillis = Math.max(nextMillis, max.toMillis());
        this.random = random;
    }

    Duration next() {
        long interval = nextMillis;
        nextMillis = nextMillis < maxMillis / 2 ? nextMillis * 2 : maxMillis;
        return Duration.ofMillis(random.nextLong(interval));
    }
}
