package dev.weft.controlplane.xds.server;

import dev.weft.controlplane.xds.ConfigChange;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Merges bursts of change notifications into one push: it fires once no change has arrived for the
 * quiet period, or once the oldest unpushed change is {@code maxDelay} old, whichever comes first
 * (a steady stream of changes still gets pushed).
 */
final class PushDebouncer {

    private final long quietNanos;
    private final long maxDelayNanos;
    private final ScheduledExecutorService timer;
    private final Consumer<ConfigChange> push;
    private final LongSupplier nanoTime;

    private ConfigChange pending;
    private long firstAt;
    private long lastAt;
    private ScheduledFuture<?> check;
    private boolean stopped;

    PushDebouncer(Duration quiet, Duration maxDelay, ScheduledExecutorService timer,
                  Consumer<ConfigChange> push, LongSupplier nanoTime) {
        this.quietNanos = quiet.toNanos();
        this.maxDelayNanos = Math.max(maxDelay.toNanos(), quietNanos);
        this.timer = timer;
        this.push = push;
        this.nanoTime = nanoTime;
    }

    synchronized void add(ConfigChange change) {
        if (stopped) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (pending == null) {
            pending = change;
            firstAt = now;
        } else {
            pending = pending.merge(change);
        }
        lastAt = now;
        if (quietNanos == 0) {
            fire();
        } else if (check == null) {
            check = timer.schedule(this::check, quietNanos, TimeUnit.NANOSECONDS);
        }
    }

    private synchronized void check() {
        check = null;
        if (pending == null || stopped) {
            return;
        }
        long now = nanoTime.getAsLong();
        long dueQuiet = lastAt + quietNanos;
        long dueMax = firstAt + maxDelayNanos;
        long due = Math.min(dueQuiet, dueMax);
        if (now - due >= 0) {
            fire();
        } else {
            check = timer.schedule(this::check, due - now, TimeUnit.NANOSECONDS);
        }
    }

    private void fire() {
        ConfigChange change = pending;
        pending = null;
        push.accept(change);
    }

    synchronized void stop() {
        stopped = true;
        pending = null;
        if (check != null) {
            check.cancel(false);
        }
    }
}
