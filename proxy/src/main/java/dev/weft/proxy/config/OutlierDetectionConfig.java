package dev.weft.proxy.config;

import java.time.Duration;

/**
 * A cluster's {@code outlier_detection}: consecutive errors, success rate and failure percentage. Local-origin errors
 * (connect failures, resets, timeouts) count as 503/504 unless {@code split_external_local_origin_errors},
 * which is refused for now.
 *
 * @param consecutive5xx                 ejects after this many 5xx in a row (Envoy: 5)
 * @param enforcingConsecutive5xx        % chance the ejection happens (Envoy: 100)
 * @param consecutiveGatewayFailure      ejects after this many 502/503/504 in a row (Envoy: 5)
 * @param enforcingConsecutiveGatewayFailure % chance (Envoy: 0, Istio sets 100 when configured)
 * @param interval                       between sweeps that return hosts (Envoy: 10s)
 * @param baseEjectionTime               ejection time = this x number of ejections (Envoy: 30s)
 * @param maxEjectionTime                the cap on it (Envoy: 300s)
 * @param maxEjectionPercent             at most this % of the hosts ejected at once (Envoy: 10); an ejection
 *                                       that would take the ejected share over it is refused (overflow), so with
 *                                       few hosts and the default no host is ejected, as in Envoy
 * @param alwaysEjectOneHost             one host may be ejected whatever {@code maxEjectionPercent} says
 *                                       (Envoy's {@code always_eject_one_host}, default false)
 * @param successRate                    success-rate ejection (Envoy's success_rate_* fields)
 * @param failurePercentage              failure-percentage ejection (Envoy's failure_percentage_* fields)
 */
public record OutlierDetectionConfig(int consecutive5xx, int enforcingConsecutive5xx, int consecutiveGatewayFailure,
        int enforcingConsecutiveGatewayFailure, Duration interval, Duration baseEjectionTime, Duration maxEjectionTime,
        int maxEjectionPercent, SuccessRate successRate, FailurePercentage failurePercentage,
        boolean alwaysEjectOneHost) {

    /**
     * Success-rate ejection, checked once per interval: among hosts that served at least
     * {@code requestVolume} requests in the interval, when there are at least {@code minimumHosts}
     * of them, a host whose success rate is below mean - stdevFactor/1000 x standard deviation is
     * an outlier.
     *
     * @param minimumHosts  Envoy: 5
     * @param requestVolume Envoy: 100
     * @param stdevFactor   Envoy: 1900 (1.9 standard deviations)
     * @param enforcing     % chance an outlier is ejected (Envoy: 100; Istio sends 0)
     */
    public record SuccessRate(int minimumHosts, int requestVolume, int stdevFactor, int enforcing) {

        /** Not enforced (what Istio sends). */
        public static final SuccessRate OFF = new SuccessRate(5, 100, 1900, 0);
    }

    /**
     * Failure-percentage ejection, checked once per interval beside success rate: among hosts that
     * served at least {@code requestVolume} requests in the interval, when there are at least
     * {@code minimumHosts} of them, a host whose share of 5xx is {@code threshold} % or more is an
     * outlier, whatever the other hosts do (success rate compares hosts with each other; this
     * catches a cluster whose few hosts all fail, or a single bad host among two).
     *
     * @param threshold     Envoy: 85
     * @param minimumHosts  Envoy: 5
     * @param requestVolume Envoy: 50
     * @param enforcing     % chance an outlier is ejected (Envoy: 0, off)
     */
    public record FailurePercentage(int threshold, int minimumHosts, int requestVolume, int enforcing) {

        /** Envoy's defaults: not enforced. */
        public static final FailurePercentage OFF = new FailurePercentage(85, 5, 50, 0);
    }

    /** Without {@code always_eject_one_host}. */
    public OutlierDetectionConfig(int consecutive5xx, int enforcingConsecutive5xx, int consecutiveGatewayFailure,
            int enforcingConsecutiveGatewayFailure, Duration interval, Duration baseEjectionTime,
            Duration maxEjectionTime, int maxEjectionPercent, SuccessRate successRate,
            FailurePercentage failurePercentage) {
        this(consecutive5xx, enforcingConsecutive5xx, consecutiveGatewayFailure, enforcingConsecutiveGatewayFailure,
                interval, baseEjectionTime, maxEjectionTime, maxEjectionPercent, successRate, failurePercentage, false);
    }

    /** Without failure-percentage ejection. */
    public OutlierDetectionConfig(int consecutive5xx, int enforcingConsecutive5xx, int consecutiveGatewayFailure,
            int enforcingConsecutiveGatewayFailure, Duration interval, Duration baseEjectionTime,
            Duration maxEjectionTime, int maxEjectionPercent, SuccessRate successRate) {
        this(consecutive5xx, enforcingConsecutive5xx, consecutiveGatewayFailure, enforcingConsecutiveGatewayFailure,
                interval, baseEjectionTime, maxEjectionTime, maxEjectionPercent, successRate, FailurePercentage.OFF);
    }

    /** Without success-rate or failure-percentage ejection. */
    public OutlierDetectionConfig(int consecutive5xx, int enforcingConsecutive5xx, int consecutiveGatewayFailure,
            int enforcingConsecutiveGatewayFailure, Duration interval, Duration baseEjectionTime,
            Duration maxEjectionTime, int maxEjectionPercent) {
        this(consecutive5xx, enforcingConsecutive5xx, consecutiveGatewayFailure, enforcingConsecutiveGatewayFailure,
                interval, baseEjectionTime, maxEjectionTime, maxEjectionPercent, SuccessRate.OFF);
    }
}
