package dev.weft.proxy.http.filter;

import dev.weft.proxy.route.HeaderMatcher;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code envoy.filters.http.fault} (HTTPFault): delay and/or abort a share of the requests whose
 * headers match. Header-controlled faults (x-envoy-fault-*), rate limits and downstream-node
 * selection are not implemented; such configs are refused rather than silently ignored.
 *
 * @param delay          a fixed delay for {@code delay.percentage} of the requests
 * @param abort          an HTTP status for {@code abort.percentage} of the requests
 * @param headers        all must match for the fault to apply
 * @param maxActiveFaults {@code max_active_faults}; empty = unlimited
 */
public record FaultConfig(String name, Optional<Delay> delay, Optional<Abort> abort, List<HeaderMatcher> headers,
        Optional<Integer> maxActiveFaults, String upstreamCluster) implements HttpFilterConfig {

    public static final String TYPE_URL = "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault";

    public FaultConfig {
        headers = List.copyOf(headers);
    }

    public record Delay(Duration duration, Fraction percentage) {
    }

    public record Abort(int httpStatus, Fraction percentage) {
    }

    /** Envoy's FractionalPercent: numerator out of 100, 10,000 or 1,000,000. */
    public record Fraction(int numerator, int denominator) {
        public boolean hit(java.util.random.RandomGenerator random) {
            return numerator > 0 && (numerator >= denominator || random.nextInt(denominator) < numerator);
        }
    }

    @Override
    public HttpFilter filter() {
        return new FaultFilter(this);
    }
}
