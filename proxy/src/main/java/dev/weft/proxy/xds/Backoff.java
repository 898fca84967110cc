package dev.weft.proxy.xds;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Reconnect delays: exponential (doubling from {@code initial} up to {@code max}) with "equal
 * jitter" (a random point in the upper half of the current step), so that proxies cut off together
 * do not all come back in the same millisecond.
 */
final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final RandomGenerator random;
    private Duration current;

    Backoff(Duration initial, Duration max, RandomGenerator random) {
        this.initial = initial;
        this.max = max.compareTo(initial) < 0 ? initial : max;
        this.random = random;
        this.current = initial;
    }

    Duration next() {
        long step = current.toNanos();
        long delay = step / 2 + (step / 2 > 0 ? random.nextLong(step / 2 + 1) : 0);
        current = current.multipliedBy(2).compareTo(max) > 0 ? max : current.multipliedBy(2);
        return Duration.ofNanos(delay);
    }

    void reset() {
        current = initial;
    }
}
