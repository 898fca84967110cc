package dev.weft.config.networking.virtualservice;

import java.time.Duration;

/**
 * Retry policy. Null fields are unset ({@code attempts} unset means 0: no retries in Istio's
 * validation, while the mesh default policy applies when {@code retries} is absent altogether).
 *
 * @param retryOn comma-separated Envoy retry conditions and/or HTTP status codes
 */
public record HttpRetry(
    Integer attempts,
    Duration perTryTimeout,
    String retryOn,
    Boolean retryRemoteLocalities,
    Boolean retryIgnorePreviousHosts,
    Duration backoff) {}
