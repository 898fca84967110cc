package dev.weft.config.networking.virtualservice;

import dev.weft.config.networking.StringMatch;
import java.time.Duration;
import java.util.List;

/**
 * Cross-origin resource sharing for a route.
 *
 * @param allowOrigin deprecated list of exact origins, used when {@code allowOrigins} is empty
 * @param allowCredentials null when unset
 * @param unmatchedPreflights null when unset (UNSPECIFIED)
 */
public record CorsPolicy(
    List<StringMatch> allowOrigins,
    List<String> allowOrigin,
    List<String> allowMethods,
    List<String> allowHeaders,
    List<String> exposeHeaders,
    Duration maxAge,
    Boolean allowCredentials,
    UnmatchedPreflights unmatchedPreflights) {

  public CorsPolicy {
    allowOrigins = List.copyOf(allowOrigins);
    allowOrigin = List.copyOf(allowOrigin);
    allowMethods = List.copyOf(allowMethods);
    allowHeaders = List.copyOf(allowHeaders);
    exposeHeaders = List.copyOf(exposeHeaders);
  }

  /** What to do with a preflight request whose origin is not allowed. */
  public enum UnmatchedPreflights {
    UNSPECIFIED,
    FORWARD,
    IGNORE
  }
}
