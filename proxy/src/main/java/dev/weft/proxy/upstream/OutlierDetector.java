package dev.weft.proxy.upstream;

import dev.weft.proxy.config.OutlierDetectionConfig;
import dev.weft.proxy.stats.ProxyStats;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Envoy's outlier detection, consecutive-error kinds: every attempt's result is reported per host;
 * {@code consecutive_5xx} 5xx in a row (or {@code consecutive_gateway_failure} 502/503/504 in a
 * row) eject the host, if enforcement says so and no more than {@code max_ejection_percent} of the
 * hosts would then be out. An ejected host gets no traffic for base_ejection_time x its number of
 * ejections (capped by max_ejection_time); a sweep every {@code interval} brings hosts back, and
 * lowers the ejection count of hosts that stayed healthy for a whole interval. Local-origin errors
 * count as Envoy counts them without split_external_local_origin_errors: a connect failure or reset
 * as a 503, a timeout as a 504. Stats: {@code cluster.<name>.outlier_detection.*}.
 *
 * <p>Success rate (Envoy's algorithm): each sweep looks at the hosts that served at least
 * {@code success_rate_request_volume} requests since the last sweep; when there are at least
 * {@code success_rate_minimum_hosts} of them, a host whose success rate (non-5xx share) is below
 * mean - success_rate_stdev_factor/1000 x the standard deviation is an outlier, ejected with
 * probability {@code enforcing_success_rate} (within max_ejection_percent like the others). The
 * counts start again at every sweep.
 *
 * <p>Failure percentage (Envoy's, from the same counts at the same sweep): among hosts that served
 * at least {@code failure_percentage_request_volume} requests, when there are at least
 * {@code failure_percentage_minimum_hosts} of them, a host with {@code failure_percentage_threshold}
 * % or more 5xx is an outlier, ejected with probability {@code enforcing_failure_percentage}.
 */
final class OutlierDetector {

    enum Kind {
        CONSECUTIVE_5XX("consecutive_5xx"), CONSECUTIVE_GATEWAY_FAILURE("consecutive_gateway_failure"),
        SUCCESS_RATE("success_rate"), FAILURE_PERCENTAGE("failure_percentage");

        final String stat;

        Kind(String stat) {
            this.stat = stat;
        }
    }

    private final OutlierDetectionConfig config;
    private final Supplier<List<UpstreamHost>> hosts;
    private final ProxyStats stats;
    private final String prefix;
    private final LongSupplier clock;
    private ScheduledFuture<?> sweeps;

    OutlierDetector(OutlierDetectionConfig config, String cluster, Supplier<List<UpstreamHost>> hosts,
            ProxyStats stats, LongSupplier nanoClock) {
        this.config = config;
        this.hosts = hosts;
        this.stats = stats;
        this.prefix = "cluster." + cluster + ".outlier_detection.";
        this.clock = nanoClock;
    }

    void start(EventExecutor executor) {
        long every = config.interval().toNanos();
        sweeps = executor.scheduleAtFixedRate(this::sweep, every, every, TimeUnit.NANOSECONDS);
    }

    void stop() {
        if (sweeps != null) {
            sweeps.cancel(false);
        }
        // A cluster replaced or removed no longer counts its ejected hosts.
        for (UpstreamHost host : hosts.get()) {
            if (host.outlier.ejected) {
                stats.counter(prefix + "ejections_active").add(-1);
                host.outlier.ejected = false;
            }
        }
    }

    /** One attempt's result on {@code host}: an HTTP status (local-origin errors as 503/504). */
    void report(UpstreamHost host, int status) {
        OutlierState state = host.outlier;
        boolean fiveXx = false;
        boolean gateway = false;
        synchronized (state) {
            state.intervalRequests++;
            if (status < 500) {
                state.intervalSuccesses++;
                state.consecutive5xx = 0;
                state.consecutiveGatewayFailure = 0;
                return;
            }
            if (status == 502 || status == 503 || status == 504) {
                gateway = ++state.consecutiveGatewayFailure == config.consecutiveGatewayFailure();
            } else {
                state.consecutiveGatewayFailure = 0;
            }
            fiveXx = ++state.consecutive5xx == config.consecutive5xx();
            // The counter that fired starts again, so a new run of errors is detected again (Envoy
            // resets it whether or not the ejection is enforced).
            if (gateway) {
                state.consecutiveGatewayFailure = 0;
            }
            if (fiveXx) {
                state.consecutive5xx = 0;
            }
            if (state.ejected) {
                return;
            }
        }
        if (gateway) {
            eject(host, Kind.CONSECUTIVE_GATEWAY_FAILURE);
        }
        if (fiveXx) {
            eject(host, Kind.CONSECUTIVE_5XX);
        }
    }

    private synchronized void eject(UpstreamHost host, Kind kind) {
        OutlierState state = host.outlier;
        stats.inc(prefix + "ejections_detected_" + kind.stat);
        int enforcing = switch (kind) {
            case CONSECUTIVE_5XX -> config.enforcingConsecutive5xx();
            case CONSECUTIVE_GATEWAY_FAILURE -> config.enforcingConsecutiveGatewayFailure();
            case SUCCESS_RATE -> config.successRate().enforcing();
            case FAILURE_PERCENTAGE -> config.failurePercentage().enforcing();
        };
        if (enforcing <= 0 || ThreadLocalRandom.current().nextInt(100) >= enforcing || state.ejected) {
            return;
        }
        List<UpstreamHost> all = hosts.get();
        long ejected = all.stream().filter(h -> h.outlier.ejected).count();
        double percentAfter = 100.0 * (ejected + 1) / Math.max(1, all.size());
        if (percentAfter > config.maxEjectionPercent() && !(config.alwaysEjectOneHost() && ejected == 0)) {
            stats.inc(prefix + "ejections_overflow");
            return;
        }
        synchronized (state) {
            state.ejected = true;
            state.ejections++;
            state.ejectedAtNanos = clock.getAsLong();
        }
        stats.counter(prefix + "ejections_active").increment();
        stats.inc(prefix + "ejections_total");
        stats.inc(prefix + "ejections_enforced_total");
        stats.inc(prefix + "ejections_enforced_" + kind.stat);
    }

    /** Brings back hosts whose time is up; forgets one past ejection of hosts healthy a whole interval. */
    synchronized void sweep() {
        long now = clock.getAsLong();
        for (UpstreamHost host : hosts.get()) {
            OutlierState state = host.outlier;
            synchronized (state) {
                if (state.ejected) {
                    long ejectFor = Math.min(config.baseEjectionTime().toNanos() * state.ejections,
                            config.maxEjectionTime().toNanos());
                    if (now - state.ejectedAtNanos >= ejectFor) {
                        state.ejected = false;
                        state.consecutive5xx = 0;
                        state.consecutiveGatewayFailure = 0;
                        state.healthySinceNanos = now;
                        stats.counter(prefix + "ejections_active").add(-1);
                    }
                } else if (state.ejections > 0 && now - state.healthySinceNanos >= config.interval().toNanos()) {
                    state.ejections--;
                    state.healthySinceNanos = now;
                }
            }
        }
        intervalOutliers();
    }

    /**
     * Success-rate and failure-percentage outliers of the interval just ended (Envoy's
     * processSuccessRateEjections), ejected in that order; starts the next interval.
     */
    private void intervalOutliers() {
        OutlierDetectionConfig.SuccessRate successRate = config.successRate();
        OutlierDetectionConfig.FailurePercentage failurePercentage = config.failurePercentage();
        List<UpstreamHost> successRateHosts = new java.util.ArrayList<>();
        List<Double> successRateRates = new java.util.ArrayList<>();
        List<UpstreamHost> failurePercentageHosts = new java.util.ArrayList<>();
        List<Double> failurePercentageRates = new java.util.ArrayList<>();
        for (UpstreamHost host : hosts.get()) {
            OutlierState state = host.outlier;
            synchronized (state) {
                if (!state.ejected && state.intervalRequests > 0) {
                    double rate = 100.0 * state.intervalSuccesses / state.intervalRequests;
                    if (state.intervalRequests >= successRate.requestVolume()) {
                        successRateHosts.add(host);
                        successRateRates.add(rate);
                    }
                    if (state.intervalRequests >= failurePercentage.requestVolume()) {
                        failurePercentageHosts.add(host);
                        failurePercentageRates.add(rate);
                    }
                }
                state.intervalRequests = 0;
                state.intervalSuccesses = 0;
            }
        }
        if (!successRateHosts.isEmpty() && successRateHosts.size() >= successRate.minimumHosts()) {
            double mean = successRateRates.stream().mapToDouble(Double::doubleValue).average().orElse(100);
            double variance = successRateRates.stream().mapToDouble(rate -> (rate - mean) * (rate - mean)).sum()
                    / successRateRates.size();
            double threshold = mean - successRate.stdevFactor() / 1000.0 * Math.sqrt(variance);
            for (int i = 0; i < successRateHosts.size(); i++) {
                if (successRateRates.get(i) < threshold) {
                    eject(successRateHosts.get(i), Kind.SUCCESS_RATE);
                }
            }
        }
        if (!failurePercentageHosts.isEmpty() && failurePercentageHosts.size() >= failurePercentage.minimumHosts()) {
            for (int i = 0; i < failurePercentageHosts.size(); i++) {
                if (100.0 - failurePercentageRates.get(i) >= failurePercentage.threshold()) {
                    eject(failurePercentageHosts.get(i), Kind.FAILURE_PERCENTAGE);
                }
            }
        }
    }

    /** A host's outlier bookkeeping (guarded by itself; {@code ejected} read without the lock). */
    static final class OutlierState {
        volatile boolean ejected;
        int consecutive5xx;
        int consecutiveGatewayFailure;
        int ejections;
        long ejectedAtNanos;
        long healthySinceNanos;
        /** Requests answered since the last sweep, and how many of them were not 5xx (success rate). */
        long intervalRequests;
        long intervalSuccesses;
    }
}
