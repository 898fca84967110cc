package dev.weft.controlplane.xds.server;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded polling for things that happen on other threads. */
final class Await {

    private Await() {
    }

    static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    static <T> T value(String what, Duration timeout, Supplier<T> supplier, java.util.function.Predicate<T> ok) {
        Object[] last = new Object[1];
        until(what, timeout, () -> {
            T value = supplier.get();
            last[0] = value;
            return ok.test(value);
        });
        @SuppressWarnings("unchecked")
        T result = (T) last[0];
        return result;
    }
}
