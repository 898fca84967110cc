package dev.weft.proxy.bootstrap;

import java.time.Duration;

/** Go/Istio style durations: {@code 250ms}, {@code 2s}, {@code 1m}, {@code 1h}. */
public final class Durations {

    private Durations() {
    }

    public static Duration parse(String text) {
        String t = text.strip();
        long factorNanos;
        String number;
        if (t.endsWith("ms")) {
            factorNanos = 1_000_000L;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            factorNanos = 1_000_000_000L;
            number = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            factorNanos = 60_000_000_000L;
            number = t.substring(0, t.length() - 1);
        } else if (t.endsWith("h")) {
            factorNanos = 3_600_000_000_000L;
            number = t.substring(0, t.length() - 1);
        } else {
            throw new IllegalArgumentException(text);
        }
        double value = Double.parseDouble(number);
        if (value < 0 || Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(text);
        }
        return Duration.ofNanos((long) (value * factorNanos));
    }
}
