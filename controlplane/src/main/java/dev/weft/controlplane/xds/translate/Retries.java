package dev.weft.controlplane.xds.translate;

import dev.weft.config.networking.virtualservice.HttpRetry;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig;
import java.util.ArrayList;
import java.util.List;

/** Istio's retry.ConvertPolicy: a VirtualService HTTPRetry as an Envoy RetryPolicy. */
final class Retries {
  private Retries() {}

  static final String DEFAULT_RETRY_ON = "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";

  /**
   * Istio's DefaultPolicy, used when a route says nothing about retries: twice, on connection
   * failures, refused streams, gRPC unavailable/cancelled and 503, each time on another host.
   */
  static RetryPolicy defaultPolicy() {
    return RetryPolicy.newBuilder()
        .setRetryOn(DEFAULT_RETRY_ON)
        .setNumRetries(Protos.u32(2))
        .addRetriableStatusCodes(503)
        .addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
            .setName("envoy.retry_host_predicates.previous_hosts")
            .setTypedConfig(Protos.any(PreviousHostsPredicate.getDefaultInstance())))
        .setHostSelectionRetryMaxAttempts(5)
        .build();
  }

  /**
   * The policy for a route: the default when {@code retries} is absent, none when attempts is 0 (or
   * unset), else the default with the route's attempts, conditions (HTTP status codes in
   * {@code retryOn} become retriable_status_codes, and {@code retriable-status-codes} is added for
   * them), per-try timeout, backoff; {@code retryRemoteLocalities: true} adds the
   * previous_priorities retry priority; {@code retryIgnorePreviousHosts: false} drops the
   * previous_hosts predicate.
   */
  static RetryPolicy policy(HttpRetry in) {
    if (in == null) {
      return defaultPolicy();
    }
    if (in.attempts() == null || in.attempts() <= 0) {
      return null;
    }
    RetryPolicy.Builder out = defaultPolicy().toBuilder().setNumRetries(Protos.u32(in.attempts()));
    if (in.retryOn() != null && !in.retryOn().isBlank()) {
      List<String> conditions = new ArrayList<>();
      List<Integer> codes = new ArrayList<>();
      for (String part : in.retryOn().split(",")) {
        String p = part.trim();
        if (p.isEmpty()) {
          continue;
        }
        if (p.chars().allMatch(Character::isDigit)) {
          codes.add(Integer.parseInt(p));
        } else {
          conditions.add(p);
        }
      }
      if (!codes.isEmpty() && !conditions.contains("retriable-status-codes")) {
        conditions.add("retriable-status-codes");
      }
      out.setRetryOn(String.join(",", conditions)).clearRetriableStatusCodes().addAllRetriableStatusCodes(codes);
    }
    if (in.perTryTimeout() != null) {
      out.setPerTryTimeout(Protos.duration(in.perTryTimeout()));
    }
    if (Boolean.TRUE.equals(in.retryRemoteLocalities())) {
      out.setRetryPriority(RetryPolicy.RetryPriority.newBuilder()
          .setName("envoy.retry_priorities.previous_priorities")
          .setTypedConfig(Protos.any(PreviousPrioritiesConfig.newBuilder().setUpdateFrequency(2).build())));
    }
    if (Boolean.FALSE.equals(in.retryIgnorePreviousHosts())) {
      out.clearRetryHostPredicate();
    }
    if (in.backoff() != null) {
      out.setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder().setBaseInterval(Protos.duration(in.backoff())));
    }
    return out.build();
  }
}
