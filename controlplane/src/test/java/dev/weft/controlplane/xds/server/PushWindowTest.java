package dev.weft.controlplane.xds.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A push's jobs run at most {@code limit} at a time; a job whose stream never drains frees its slot after maxHold. */
class PushWindowTest {

    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
        timer.shutdownNow();
    }

    @Test
    void atMostLimitJobsAreInFlightAndADrainedJobLetsTheNextOneRun() throws Exception {
        PushWindow window = new PushWindow(2, Duration.ofMinutes(1), executor, timer);
        List<Runnable> held = new CopyOnWriteArrayList<>();
        CountDownLatch twoStarted = new CountDownLatch(2);
        CountDownLatch allStarted = new CountDownLatch(4);
        for (int i = 0; i < 4; i++) {
            window.submit(drained -> {
                held.add(drained);
                twoStarted.countDown();
                allStarted.countDown();
                return false; // its response is still queued
            });
        }
        assertThat(twoStarted.await(30, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(200); // time for a wrongly started third job to show up
        assertThat(held).hasSize(2);
        assertThat(window.counts()).containsExactly(2, 2);

        held.get(0).run();
        held.get(0).run(); // told twice (drained, then closed): frees one slot only
        held.get(1).run();
        assertThat(allStarted.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(held).hasSize(4);
        assertThat(window.counts()).containsExactly(2, 0);
    }

    @Test
    void jobsThatSendNothingQueuedDoNotHoldASlot() throws Exception {
        PushWindow window = new PushWindow(1, Duration.ofMinutes(1), executor, timer);
        CountDownLatch done = new CountDownLatch(100);
        for (int i = 0; i < 100; i++) {
            window.submit(drained -> {
                done.countDown();
                return true;
            });
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aStreamThatNeverDrainsHoldsItsSlotOnlyForMaxHold() throws Exception {
        PushWindow window = new PushWindow(1, Duration.ofMillis(100), executor, timer);
        CountDownLatch second = new CountDownLatch(1);
        window.submit(drained -> false); // never told drained
        window.submit(drained -> {
            second.countDown();
            return true;
        });
        assertThat(second.await(30, TimeUnit.SECONDS)).isTrue();
    }
}
