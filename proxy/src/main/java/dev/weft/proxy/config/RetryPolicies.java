package dev.weft.proxy.config;

import dev.weft.proxy.route.RetryPolicy;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;

/** Envoy's {@code config.route.v3.RetryPolicy} to a {@link RetryPolicy}. */
final class RetryPolicies {

    private static final String PREVIOUS_HOSTS = "envoy.retry_host_predicates.previous_hosts";
    private static final String PREVIOUS_HOSTS_TYPE =
            "type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate";
    private static final String PREVIOUS_PRIORITIES = "envoy.retry_priorities.previous_priorities";

    private RetryPolicies() {
    }

    static RetryPolicy convert(io.envoyproxy.envoy.config.route.v3.RetryPolicy policy, String field)
            throws ConversionException {
        Set<RetryPolicy.RetryOn> retryOn = EnumSet.noneOf(RetryPolicy.RetryOn.class);
        for (String word : policy.getRetryOn().split(",")) {
            String w = word.strip();
            if (w.isEmpty()) {
                continue;
            }
            // Envoy ignores words it does not know (they come from headers as well); so do we.
            RetryPolicy.RetryOn.of(w).ifPresent(retryOn::add);
        }
        Protos.unsupported(policy.getRetriableHeadersCount() > 0, field + ".retriable_headers");
        Protos.unsupported(policy.getRetriableRequestHeadersCount() > 0, field + ".retriable_request_headers");
        Protos.unsupported(policy.hasRateLimitedRetryBackOff(), field + ".rate_limited_retry_back_off");
        Protos.unsupported(policy.getRetryOptionsPredicatesCount() > 0,
                field + ".retry_options_predicates");
        int numRetries = policy.hasNumRetries() ? ClusterConverter.uint32(policy.getNumRetries().getValue()) : 1;
        Duration perTry = policy.hasPerTryTimeout() ? Protos.duration(policy.getPerTryTimeout()) : Duration.ZERO;
        Protos.unsupported(policy.hasPerTryIdleTimeout(), field + ".per_try_idle_timeout");
        Set<Integer> codes = new HashSet<>(policy.getRetriableStatusCodesList());
        Duration base = RetryPolicy.DEFAULT_BASE_INTERVAL;
        Duration max = null;
        if (policy.hasRetryBackOff()) {
            var backOff = policy.getRetryBackOff();
            if (!backOff.hasBaseInterval() || Protos.duration(backOff.getBaseInterval()).toMillis() < 1) {
                throw new ConversionException(field + ".retry_back_off.base_interval: must be at least 1ms");
            }
            base = Protos.duration(backOff.getBaseInterval());
            if (backOff.hasMaxInterval()) {
                max = Protos.duration(backOff.getMaxInterval());
                if (max.compareTo(base) < 0) {
                    throw new ConversionException(field + ".retry_back_off.max_interval: must not be less than "
                            + "base_interval");
                }
            }
        }
        if (max == null) {
            max = base.multipliedBy(10);
        }
        boolean previousHosts = false;
        for (int p = 0; p < policy.getRetryHostPredicateCount(); p++) {
            var predicate = policy.getRetryHostPredicate(p);
            boolean known = predicate.getName().equals(PREVIOUS_HOSTS)
                    || predicate.getTypedConfig().getTypeUrl().equals(PREVIOUS_HOSTS_TYPE);
            if (!known) {
                throw new ConversionException(field + ".retry_host_predicate[" + p + "]: '" + predicate.getName()
                        + "' is not supported by weft-proxy (previous_hosts is)");
            }
            previousHosts = true;
        }
        // previous_priorities only matters with several priorities; this proxy retries within the
        // lowest priority that has hosts, which is what the predicate falls back to with one.
        if (policy.hasRetryPriority() && !policy.getRetryPriority().getName().equals(PREVIOUS_PRIORITIES)) {
            throw new ConversionException(field + ".retry_priority: '" + policy.getRetryPriority().getName()
                    + "' is not supported by weft-proxy");
        }
        int hostSelectionAttempts = (int) Math.max(1, Math.min(100, policy.getHostSelectionRetryMaxAttempts()));
        return new RetryPolicy(retryOn, numRetries, perTry, codes, base, max, previousHosts, hostSelectionAttempts);
    }
}
