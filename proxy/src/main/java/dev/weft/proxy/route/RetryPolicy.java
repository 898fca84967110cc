package dev.weft.proxy.route;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * Envoy's {@code config.route.v3.RetryPolicy} (route, else virtual host): when a failed attempt is
 * tried again, how often, and how long to wait in between.
 *
 * @param retryOn                  the {@code retry_on} conditions
 * @param numRetries               {@code num_retries} (Envoy's default 1)
 * @param perTryTimeout            {@code per_try_timeout}; zero: each try may use what is left of the
 *                                 route timeout
 * @param retriableStatusCodes     {@code retriable_status_codes} (with {@code retriable-status-codes})
 * @param baseInterval             {@code retry_back_off.base_interval} (Envoy's default 25 ms)
 * @param maxInterval              {@code retry_back_off.max_interval} (default 10 x base)
 * @param avoidPreviousHosts       the {@code envoy.retry_host_predicates.previous_hosts} predicate
 * @param hostSelectionMaxAttempts {@code host_selection_retry_max_attempts} (default 1)
 */
public record RetryPolicy(Set<RetryOn> retryOn, int numRetries, Duration perTryTimeout,
        Set<Integer> retriableStatusCodes, Duration baseInterval, Duration maxInterval,
        boolean avoidPreviousHosts, int hostSelectionMaxAttempts) {

    public static final Duration DEFAULT_BASE_INTERVAL = Duration.ofMillis(25);

    public RetryPolicy {
        retryOn = retryOn.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(retryOn));
        retriableStatusCodes = Set.copyOf(retriableStatusCodes);
    }

    /** The {@code retry_on} words Envoy knows (x-envoy-retry-on / x-envoy-retry-grpc-on). */
    public enum RetryOn {
        FIVE_XX("5xx"),
        GATEWAY_ERROR("gateway-error"),
        RESET("reset"),
        RESET_BEFORE_REQUEST("reset-before-request"),
        CONNECT_FAILURE("connect-failure"),
        RETRIABLE_4XX("retriable-4xx"),
        REFUSED_STREAM("refused-stream"),
        RETRIABLE_STATUS_CODES("retriable-status-codes"),
        RETRIABLE_HEADERS("retriable-headers"),
        ENVOY_RATELIMITED("envoy-ratelimited"),
        HTTP3_POST_CONNECT_FAILURE("http3-post-connect-failure"),
        GRPC_CANCELLED("cancelled"),
        GRPC_DEADLINE_EXCEEDED("deadline-exceeded"),
        GRPC_INTERNAL("internal"),
        GRPC_RESOURCE_EXHAUSTED("resource-exhausted"),
        GRPC_UNAVAILABLE("unavailable");

        private final String word;

        RetryOn(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }

        public static java.util.Optional<RetryOn> of(String word) {
            for (RetryOn value : values()) {
                if (value.word.equals(word)) {
                    return java.util.Optional.of(value);
                }
            }
            return java.util.Optional.empty();
        }
    }

    /** Why an attempt got no response (the reset reasons Envoy's retry state distinguishes). */
    public enum Reset {
        /** The connection could not be established. */
        CONNECT_FAILURE,
        /** The connection closed or was reset before a (whole) response. */
        CONNECTION_RESET,
        /** HTTP/2 REFUSED_STREAM: the upstream did not process the request. */
        REFUSED_STREAM,
        /** The per-try timeout fired. */
        PER_TRY_TIMEOUT,
        /** A circuit breaker overflowed: never retried (retrying would only add load). */
        OVERFLOW
    }

    /**
     * Whether a response of {@code status} (gRPC status {@code grpcStatus}, -1 if none) should be
     * tried again (Envoy's RetryStateImpl::wouldRetryFromHeaders).
     */
    public boolean retriableResponse(int status, int grpcStatus) {
        if (retryOn.contains(RetryOn.FIVE_XX) && status >= 500 && status < 600) {
            return true;
        }
        if (retryOn.contains(RetryOn.GATEWAY_ERROR) && (status == 502 || status == 503 || status == 504)) {
            return true;
        }
        if (retryOn.contains(RetryOn.RETRIABLE_4XX) && status == 409) {
            return true;
        }
        if (retryOn.contains(RetryOn.RETRIABLE_STATUS_CODES) && retriableStatusCodes.contains(status)) {
            return true;
        }
        return switch (grpcStatus) {
            case 1 -> retryOn.contains(RetryOn.GRPC_CANCELLED);
            case 4 -> retryOn.contains(RetryOn.GRPC_DEADLINE_EXCEEDED);
            case 8 -> retryOn.contains(RetryOn.GRPC_RESOURCE_EXHAUSTED);
            case 13 -> retryOn.contains(RetryOn.GRPC_INTERNAL);
            case 14 -> retryOn.contains(RetryOn.GRPC_UNAVAILABLE);
            default -> false;
        };
    }

    /** Whether an attempt that got no response should be tried again (wouldRetryFromReset). */
    public boolean retriableReset(Reset reset) {
        return switch (reset) {
            case OVERFLOW -> false;
            case CONNECT_FAILURE -> anyOf(RetryOn.FIVE_XX, RetryOn.GATEWAY_ERROR, RetryOn.RESET,
                    RetryOn.CONNECT_FAILURE, RetryOn.RESET_BEFORE_REQUEST);
            case REFUSED_STREAM -> anyOf(RetryOn.FIVE_XX, RetryOn.GATEWAY_ERROR, RetryOn.RESET,
                    RetryOn.REFUSED_STREAM);
            case CONNECTION_RESET -> anyOf(RetryOn.FIVE_XX, RetryOn.GATEWAY_ERROR, RetryOn.RESET);
            // A per-try timeout is a 504 to the retry logic.
            case PER_TRY_TIMEOUT -> anyOf(RetryOn.FIVE_XX, RetryOn.GATEWAY_ERROR, RetryOn.RESET)
                    || retryOn.contains(RetryOn.RETRIABLE_STATUS_CODES) && retriableStatusCodes.contains(504);
        };
    }

    private boolean anyOf(RetryOn... conditions) {
        for (RetryOn condition : conditions) {
            if (retryOn.contains(condition)) {
                return true;
            }
        }
        return false;
    }
}
