package dev.weft.controlplane.xds.server;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the per-stream jobs of a push with at most {@code limit} of them in flight: a job is in flight
 * from its start until the response it queued has left for the socket (its stream is ready again),
 * or until {@code maxHold} passed, so a proxy that does not read holds a slot for a while, not for
 * ever.
 *
 * <p>Why: a push of a 560 KB route configuration to a thousand streams used to queue every response
 * at once, 560 MB of gRPC's pooled direct buffers that the pool then allocated, touched (a hundred
 * thousand page faults per push) and gave back to the system. With a window, the same few buffers
 * are reused while the event loops write and the clients read, in a pipeline.
 */
final class PushWindow {

    /** One stream's part of a push. */
    @FunctionalInterface
    interface Job {
        /**
         * Sends; returns true when nothing is left queued (nothing was sent, or it left already), else
         * calls {@code drained} once the stream is ready again (or closed).
         */
        boolean run(Runnable drained);
    }

    private final int limit;
    private final Duration maxHold;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final ArrayDeque<Job> waiting = new ArrayDeque<>();
    private int inFlight;

    PushWindow(int limit, Duration maxHold, Executor executor, ScheduledExecutorService timer) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        this.limit = limit;
        this.maxHold = maxHold;
        this.executor = executor;
        this.timer = timer;
    }

    /** Queues a job; it runs when a slot is free. */
    void submit(Job job) {
        synchronized (this) {
            waiting.add(job);
        }
        pump();
    }

    /** Jobs in flight and waiting (for tests and status). */
    synchronized int[] counts() {
        return new int[] {inFlight, waiting.size()};
    }

    private void pump() {
        while (true) {
            Job next;
            synchronized (this) {
                if (inFlight >= limit || waiting.isEmpty()) {
                    return;
                }
                next = waiting.poll();
                inFlight++;
            }
            try {
                executor.execute(() -> start(next));
            } catch (RejectedExecutionException stopping) {
                synchronized (this) {
                    inFlight--;
                    waiting.clear();
                }
                return;
            }
        }
    }

    private void start(Job job) {
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                synchronized (this) {
                    inFlight--;
                }
                pump();
            }
        };
        boolean drained;
        try {
            drained = job.run(release);
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
        if (drained) {
            release.run();
        } else if (!released.get()) {
            try {
                timer.schedule(release, maxHold.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException stopping) {
                release.run();
            }
        }
    }
}
