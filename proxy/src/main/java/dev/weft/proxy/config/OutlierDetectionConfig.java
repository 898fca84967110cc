package dev.weft.proxy.config;

import java.time.Duration;

/**
 * A cluster's {@code outlier_detection}, the consecutive-error part (Istio turns success-rate
 * ejection off). Local-origin errors (connect failures, resets, timeouts) count as 503/504 unless
 * {@code split_external_local_origin_errors}, which is refused for now.
 *
 * @param consecutive5xx                 ejects after this many 5xx in a row (Envoy: 5)
 * @param enforcingConsecutive5xx        % chance the ejection happens (Envoy: 100)
 * @param consecutiveGatewayFailure      ejects after this many 502/503/504 in a row (Envoy: 5)
 * @param enforcingConsecutiveGatewayFailure % chance (Envoy: 0, Istio sets 100 when configured)
 * @param interval                       between sweeps that return hosts (Envoy: 10s)
 * @param baseEjectionTime               ejection time = this x number of ejections (Envoy: 30s)
 * @param maxEjectionTime                the cap on it (Envoy: 300s)
 * @param maxEjectionPercent             at most this % of the hosts ejected at once (Envoy: 10)
 */
public record OutlierDetectionConfig(int consecutive5xx, int enforcingConsecutive5xx, int consecutiveGatewayFailure,
        int enforcingConsecutiveGatewayFailure, Duration interval, Duration baseEjectionTime, Duration maxEjectionTime,
        int maxEjectionPercent) {
}
