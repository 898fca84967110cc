package dev.weft.controlplane.xds.translate;

import dev.weft.config.networking.virtualservice.HttpFaultInjection;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import java.util.Map;

/**
 * Istio's translateFault: a VirtualService fault as the per-route config of
 * {@code envoy.filters.http.fault}. Percentages become parts per million ({@code percentage}) or
 * hundredths (the deprecated integer {@code percent}); gRPC status names become codes.
 */
final class Faults {
  private Faults() {}

  static final String FILTER = "envoy.filters.http.fault";

  private static final Map<String, Integer> GRPC_CODES = Map.ofEntries(
      Map.entry("OK", 0), Map.entry("CANCELLED", 1), Map.entry("UNKNOWN", 2), Map.entry("INVALID_ARGUMENT", 3),
      Map.entry("DEADLINE_EXCEEDED", 4), Map.entry("NOT_FOUND", 5), Map.entry("ALREADY_EXISTS", 6),
      Map.entry("PERMISSION_DENIED", 7), Map.entry("RESOURCE_EXHAUSTED", 8), Map.entry("FAILED_PRECONDITION", 9),
      Map.entry("ABORTED", 10), Map.entry("OUT_OF_RANGE", 11), Map.entry("UNIMPLEMENTED", 12), Map.entry("INTERNAL", 13),
      Map.entry("UNAVAILABLE", 14), Map.entry("DATA_LOSS", 15), Map.entry("UNAUTHENTICATED", 16));

  /** The filter config, or null when nothing translatable is injected. */
  static HTTPFault translate(HttpFaultInjection in) {
    if (in == null) {
      return null;
    }
    HTTPFault.Builder out = HTTPFault.newBuilder();
    boolean any = false;
    HttpFaultInjection.Delay d = in.delay();
    // Exponential delays are not supported by Istio either (validation refuses them).
    if (d != null && d.type() instanceof HttpFaultInjection.FixedDelay fixed && fixed.duration() != null) {
      FaultDelay.Builder delay = FaultDelay.newBuilder().setFixedDelay(Protos.duration(fixed.duration()));
      if (d.percentage() != null) {
        delay.setPercentage(Protos.percent(d.percentage()));
      } else {
        delay.setPercentage(Protos.integerPercent(d.percent() == null ? 0 : d.percent()));
      }
      out.setDelay(delay);
      any = true;
    }
    HttpFaultInjection.Abort a = in.abort();
    if (a != null) {
      FaultAbort.Builder abort = FaultAbort.newBuilder();
      boolean known = true;
      switch (a.error()) {
        case HttpFaultInjection.HttpStatus s -> abort.setHttpStatus(s.status());
        case HttpFaultInjection.GrpcStatus g -> abort.setGrpcStatus(grpcCode(g.status()));
        case null, default -> known = false; // HTTP/2 errors: not supported by Istio either
      }
      if (known) {
        if (a.percentage() != null) {
          abort.setPercentage(Protos.percent(a.percentage()));
        }
        out.setAbort(abort);
        any = true;
      }
    }
    return any ? out.build() : null;
  }

  /** A gRPC status by name ("UNAVAILABLE") or number ("14"); unknown names are UNKNOWN (2). */
  static int grpcCode(String status) {
    if (status == null) {
      return 2;
    }
    if (!status.isEmpty() && status.chars().allMatch(Character::isDigit)) {
      return Integer.parseInt(status);
    }
    return GRPC_CODES.getOrDefault(status.toUpperCase(java.util.Locale.ROOT), 2);
  }
}
