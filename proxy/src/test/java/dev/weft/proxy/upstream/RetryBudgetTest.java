package dev.weft.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.proxy.config.ClusterConfig;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    @Test
    void maxRetriesBoundsRetriesInFlight() {
        ClusterLimits limits = new ClusterLimits(new ClusterConfig.Limits(1024, 1024, 1024, 2));
        assertThat(limits.tryStartRetry()).isTrue();
        assertThat(limits.tryStartRetry()).isTrue();
        assertThat(limits.tryStartRetry()).isFalse();
        limits.retries.decrementAndGet();
        assertThat(limits.tryStartRetry()).isTrue();
    }

    @Test
    void aRetryBudgetIsAShareOfActiveRequestsNeverBelowItsMinimum() {
        ClusterLimits limits = new ClusterLimits(new ClusterConfig.Limits(1024, 1024, 1024, 3,
                Optional.of(new ClusterConfig.RetryBudget(20.0, 3))));
        // Few requests: the minimum concurrency (3) applies.
        limits.requests.set(2);
        for (int i = 0; i < 3; i++) {
            assertThat(limits.tryStartRetry()).isTrue();
        }
        assertThat(limits.tryStartRetry()).isFalse();
        // 100 active + 50 pending: 20% is 30 retries.
        limits.requests.set(100);
        limits.pending.set(50);
        int started = 3;
        while (limits.tryStartRetry()) {
            started++;
        }
        assertThat(started).isEqualTo(30);
    }
}
