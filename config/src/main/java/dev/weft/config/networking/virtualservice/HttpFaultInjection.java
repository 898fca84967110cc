package dev.weft.config.networking.virtualservice;

import java.time.Duration;

/** Faults injected into matching requests: a delay, an abort, or both (null when absent). */
public record HttpFaultInjection(Delay delay, Abort abort) {

  /**
   * Delays a share of requests.
   *
   * @param type the oneof {@code http_delay_type}; null when neither is set
   * @param percentage 0..100, null when unset
   * @param percent deprecated integer percentage, null when unset
   */
  public record Delay(DelayType type, Double percentage, Integer percent) {}

  public sealed interface DelayType {
    Duration duration();
  }

  public record FixedDelay(Duration duration) implements DelayType {}

  /** Not supported by Istio yet (validation refuses it); kept so the message can say so. */
  public record ExponentialDelay(Duration duration) implements DelayType {}

  /**
   * Fails a share of requests.
   *
   * @param error the oneof {@code error_type}; null when none is set
   * @param percentage 0..100, null when unset
   */
  public record Abort(ErrorType error, Double percentage) {}

  public sealed interface ErrorType {}

  public record HttpStatus(int status) implements ErrorType {}

  /** A gRPC status name such as UNAVAILABLE. */
  public record GrpcStatus(String status) implements ErrorType {}

  /** Not supported by Istio yet (validation refuses it). */
  public record Http2Error(String error) implements ErrorType {}
}
