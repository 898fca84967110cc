package dev.weft.config.networking.virtualservice;

import dev.weft.config.model.Ordered;
import dev.weft.config.networking.StringMatch;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One HTTP routing rule: conditions ({@code match}, any of which selects the rule) and what to do
 * with the request: forward ({@code route}), redirect, answer directly, or delegate to another
 * VirtualService; plus the policies applied on the way. Absent fields are null (or empty).
 *
 * @param mirrorPercent deprecated {@code mirrorPercent} (also read as {@code mirror_percent})
 * @param mirrorPercentage percentage 0..100 of requests mirrored
 */
public record HttpRoute(
    String name,
    List<HttpMatchRequest> match,
    List<HttpRouteDestination> route,
    HttpRedirect redirect,
    HttpDirectResponse directResponse,
    Delegate delegate,
    HttpRewrite rewrite,
    Duration timeout,
    HttpRetry retries,
    HttpFaultInjection fault,
    Destination mirror,
    List<HttpMirrorPolicy> mirrors,
    Integer mirrorPercent,
    Double mirrorPercentage,
    CorsPolicy corsPolicy,
    Headers headers) {

  public HttpRoute {
    match = List.copyOf(match);
    route = List.copyOf(route);
    mirrors = List.copyOf(mirrors);
  }

  /**
   * Conditions on a request; all that are set must hold.
   *
   * @param port null when unset
   * @param ignoreUriCase match {@code uri} case-insensitively (exact and prefix only)
   */
  public record HttpMatchRequest(
      String name,
      StringMatch uri,
      StringMatch scheme,
      StringMatch method,
      StringMatch authority,
      Map<String, StringMatch> headers,
      Integer port,
      Map<String, String> sourceLabels,
      List<String> gateways,
      Map<String, StringMatch> queryParams,
      boolean ignoreUriCase,
      Map<String, StringMatch> withoutHeaders,
      String sourceNamespace,
      String statPrefix) {
    public HttpMatchRequest {
      headers = Ordered.copyOf(headers);
      sourceLabels = Ordered.copyOf(sourceLabels);
      gateways = List.copyOf(gateways);
      queryParams = Ordered.copyOf(queryParams);
      withoutHeaders = Ordered.copyOf(withoutHeaders);
    }

    /** The same conditions without the name (names do not change what a match selects). */
    public HttpMatchRequest unnamed() {
      return new HttpMatchRequest(null, uri, scheme, method, authority, headers, port, sourceLabels, gateways,
          queryParams, ignoreUriCase, withoutHeaders, sourceNamespace, statPrefix);
    }
  }

  /** A destination with its weight (null when unset) and header changes for requests sent to it. */
  public record HttpRouteDestination(Destination destination, Integer weight, Headers headers) {}

  /** Hands the routing of matching requests to another (delegate) VirtualService. */
  public record Delegate(String name, String namespace) {}

  /** A copy of the traffic sent to {@code destination}; {@code percentage} null means 100. */
  public record HttpMirrorPolicy(Destination destination, Double percentage) {}
}
