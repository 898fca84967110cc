package dev.weft.config.networking.destinationrule;

import java.time.Duration;

/**
 * Passive health checking: hosts that keep failing are ejected from the pool for a while. Fields
 * are null when absent (Envoy's defaults apply).
 *
 * @param consecutiveErrors deprecated (consecutiveGatewayErrors / consecutive5xxErrors)
 */
public record OutlierDetection(
    boolean splitExternalLocalOriginErrors,
    Long consecutiveLocalOriginFailures,
    Long consecutiveGatewayErrors,
    Long consecutive5xxErrors,
    Integer consecutiveErrors,
    Duration interval,
    Duration baseEjectionTime,
    Integer maxEjectionPercent,
    Integer minHealthPercent) {}
