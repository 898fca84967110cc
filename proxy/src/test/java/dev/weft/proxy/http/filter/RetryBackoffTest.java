package dev.weft.proxy.http.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    @Test
    void fullJitterUnderADoublingCeilingCappedAtTheMaximum() {
        for (int run = 0; run < 200; run++) {
            RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(25), Duration.ofMillis(250), new Random(run));
            long[] ceilings = {25, 50, 100, 200, 250, 250};
            for (long ceiling : ceilings) {
                assertThat(backoff.next().toMillis()).isBetween(0L, ceiling - 1);
            }
        }
        // Across runs the waits spread out (jitter), they are not all the same.
        java.util.Set<Long> firsts = new java.util.HashSet<>();
        for (int run = 0; run < 50; run++) {
            firsts.add(new RetryBackoff(Duration.ofMillis(25), Duration.ofMillis(250), new Random(run)).next().toMillis());
        }
        assertThat(firsts.size()).isGreaterThan(5);
    }

    @Test
    void shadowHostIsSuffixedBeforeThePort() {
        assertThat(RequestMirrors.shadowHost("reviews")).isEqualTo("reviews-shadow");
        assertThat(RequestMirrors.shadowHost("reviews:9080")).isEqualTo("reviews-shadow:9080");
        assertThat(RequestMirrors.shadowHost("[::1]:80")).isEqualTo("[::1]-shadow:80");
    }
}
