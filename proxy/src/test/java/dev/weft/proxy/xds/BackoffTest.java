package dev.weft.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The xDS reconnect delays: doubling steps capped at the maximum, each jittered within its upper half. */
class BackoffTest {

    @Test
    void stepsDoubleUpToTheMaximumEachJitteredInItsUpperHalfAndResetStartsOver() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1_000), new Random(7));
        long[] steps = {100, 200, 400, 800, 1_000, 1_000, 1_000};
        for (long step : steps) {
            assertThat(backoff.next().toMillis()).isBetween(step / 2, step);
        }
        backoff.reset();
        assertThat(backoff.next().toMillis()).isBetween(50L, 100L);
    }

    @Test
    void proxiesCutOffTogetherDoNotComeBackTogether() {
        Set<Long> firstDelays = new HashSet<>();
        for (int proxy = 0; proxy < 50; proxy++) {
            firstDelays.add(new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10), new Random(proxy)).next().toMillis());
        }
        // 50 proxies over 251 possible milliseconds: without jitter they would all say 500.
        assertThat(firstDelays).hasSizeGreaterThan(25);
    }
}
