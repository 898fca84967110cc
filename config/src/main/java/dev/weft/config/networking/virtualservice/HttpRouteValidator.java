package dev.weft.config.networking.virtualservice;

import dev.weft.config.networking.StringMatch;
import dev.weft.config.networking.virtualservice.HttpRoute.HttpMatchRequest;
import dev.weft.config.networking.virtualservice.HttpRoute.HttpMirrorPolicy;
import dev.weft.config.networking.virtualservice.HttpRoute.HttpRouteDestination;
import dev.weft.config.read.FieldPaths;
import dev.weft.config.validate.AddressRules;
import dev.weft.config.validate.HeaderRules;
import dev.weft.config.validate.HostRules;
import dev.weft.config.validate.LabelRules;
import dev.weft.config.validate.Rules;
import dev.weft.config.validate.Validation;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Istio's validateHTTPRoute: one HTTP route of a VirtualService, at {@code path} ("spec.http[0]"). */
final class HttpRouteValidator {
  /** Envoy's x-envoy-retry-on and x-envoy-retry-grpc-on conditions that Istio accepts. */
  static final Set<String> RETRY_ON = Set.of(
      "5xx", "gateway-error", "reset", "reset-before-request", "connect-failure", "retriable-4xx", "refused-stream",
      "retriable-status-codes", "retriable-headers", "envoy-ratelimited", "http3-post-connect-failure",
      "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable");

  /** The status codes Go's net/http has a text for: Istio accepts these in retryOn. */
  private static final Set<Integer> KNOWN_STATUS = Set.of(
      100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
      400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423,
      424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511);

  private static final Set<String> CORS_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE", "*");

  private static final Set<String> PSEUDO_HEADERS = Set.of(":method", ":scheme", ":authority", ":path", ":status");

  /** grpc/doc/statuscodes.md names, as Istio's fault abort accepts them. */
  private static final Set<String> GRPC_STATUS = Set.of(
      "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
      "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
      "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED");

  private static final int KB = 1024;
  private static final int MB = 1024 * KB;

  private HttpRouteValidator() {}

  /** @param inDelegate the route belongs to a delegate VirtualService (one without hosts) */
  static void validate(Validation v, String path, HttpRoute h, boolean inDelegate) {
    conflicts(v, path, h, inDelegate);
    for (int i = 0; i < h.match().size(); i++) {
      match(v, path + ".match[" + i + "]", h.match().get(i));
    }
    headers(v, path + ".headers", h.headers());
    cors(v, path + ".corsPolicy", h.corsPolicy());
    fault(v, path + ".fault", h.fault());
    if (h.mirrorPercent() != null) {
      if (h.mirrorPercent() > 100) {
        v.error(path + ".mirrorPercent", "mirror_percent must have a max value of 100 (it has " + h.mirrorPercent() + ")");
      } else if (h.mirrorPercent() < 0) {
        v.error(path + ".mirrorPercent", "mirror_percent must not be negative (it has " + h.mirrorPercent() + ")");
      }
      v.warning(path + ".mirrorPercent", "using deprecated setting \"mirrorPercent\", use \"mirrorPercentage\" instead");
    }
    mirrorPercentage(v, path + ".mirrorPercentage", "mirror_percentage", h.mirrorPercentage());
    VirtualServiceValidator.destination(v, path + ".mirror", h.mirror());
    for (int i = 0; i < h.mirrors().size(); i++) {
      HttpMirrorPolicy m = h.mirrors().get(i);
      String p = path + ".mirrors[" + i + "]";
      if (m.destination() == null) {
        v.error(p + ".destination", "destination is required for mirrors");
        continue;
      }
      VirtualServiceValidator.destination(v, p + ".destination", m.destination());
      mirrorPercentage(v, p + ".percentage", "mirror percentage", m.percentage());
    }
    redirect(v, path + ".redirect", h.redirect());
    directResponse(v, path + ".directResponse", h.directResponse());
    retries(v, path + ".retries", h.retries());
    rewrite(v, path + ".rewrite", h.rewrite());
    authorityOnce(v, path, h.rewrite(), h.headers());
    routeDestinations(v, path + ".route", h.route());
    Rules.duration(v, path + ".timeout", h.timeout());
  }

  /** What a route does: forward, redirect, answer directly, or (root routes) delegate; never two. */
  private static void conflicts(Validation v, String path, HttpRoute h, boolean inDelegate) {
    if (!inDelegate && h.delegate() != null) {
      String name = h.name() == null ? "" : h.name();
      if (h.redirect() != null) {
        v.error(path + ".redirect", "root HTTP route " + name + " must not specify redirect");
      }
      if (!h.route().isEmpty()) {
        v.error(path + ".route", "root HTTP route " + name + " must not specify route");
      }
      return;
    }
    if (inDelegate && h.delegate() != null) {
      v.error(path + ".delegate", "delegate HTTP route cannot contain delegate");
    }
    if (h.redirect() != null) {
      if (!h.route().isEmpty()) {
        v.error(path + ".route", "HTTP route cannot contain both route and redirect");
      }
      if (h.fault() != null) {
        v.error(path + ".fault", "HTTP route cannot contain both fault and redirect");
      }
      if (h.rewrite() != null) {
        v.error(path + ".rewrite", "HTTP route rule cannot contain both rewrite and redirect");
      }
      if (h.directResponse() != null) {
        v.error(path + ".directResponse", "HTTP route rule cannot contain both direct_response and redirect");
      }
    } else if (h.directResponse() != null) {
      if (!h.route().isEmpty()) {
        v.error(path + ".route", "HTTP route cannot contain both route and direct_response");
      }
      if (h.fault() != null) {
        v.error(path + ".fault", "HTTP route cannot contain both fault and direct_response");
      }
      if (h.rewrite() != null) {
        v.error(path + ".rewrite", "HTTP route rule cannot contain both rewrite and direct_response");
      }
    } else if (h.route().isEmpty()) {
      v.error(path, "HTTP route, redirect or direct_response is required");
    }
    if (h.mirror() != null && !h.mirrors().isEmpty()) {
      v.error(path + ".mirrors", "HTTP route cannot contain both mirror and mirrors");
    }
  }

  private static void match(Validation v, String path, HttpMatchRequest m) {
    for (Map.Entry<String, StringMatch> e : m.headers().entrySet()) {
      String p = FieldPaths.child(path + ".headers", e.getKey());
      matchHeaderName(v, p, e.getKey());
      stringMatch(v, p, e.getValue(), false);
    }
    for (Map.Entry<String, StringMatch> e : m.withoutHeaders().entrySet()) {
      String p = FieldPaths.child(path + ".withoutHeaders", e.getKey());
      matchHeaderName(v, p, e.getKey());
      // regex "*" is not a regex here: it means "header present".
      if (!(e.getValue() instanceof StringMatch.Regex r && r.value().equals("*"))) {
        stringMatch(v, p, e.getValue(), false);
      }
    }
    // uri allows an empty prefix (Envoy's route match does); scheme, method, authority do not.
    stringMatch(v, path + ".uri", m.uri(), true);
    stringMatch(v, path + ".scheme", m.scheme(), false);
    stringMatch(v, path + ".method", m.method(), false);
    stringMatch(v, path + ".authority", m.authority(), false);
    for (Map.Entry<String, StringMatch> e : m.queryParams().entrySet()) {
      stringMatch(v, FieldPaths.child(path + ".queryParams", e.getKey()), e.getValue(), false);
    }
    VirtualServiceValidator.matchPort(v, path + ".port", m.port());
    LabelRules.labels(v, path + ".sourceLabels", m.sourceLabels());
    VirtualServiceValidator.gatewayNames(v, path + ".gateways", m.gateways());
    if (m.sourceNamespace() != null && !m.sourceNamespace().isEmpty() && !HostRules.isDns1123Label(m.sourceNamespace())) {
      v.error(path + ".sourceNamespace", "sourceNamespace match " + m.sourceNamespace() + " is invalid");
    }
  }

  /** Istio's ValidateHTTPHeaderNameOrJwtClaimRoute. */
  private static void matchHeaderName(Validation v, String path, String name) {
    if (name.isEmpty()) {
      v.error(path, "header name cannot be empty");
    } else if (!VirtualServiceValidator.isJwtClaim(name) && !PSEUDO_HEADERS.contains(name)) {
      HeaderRules.headerName(v, path, name);
    }
  }

  /** Istio's validateStringMatch (and validateStringMatchRegexp when {@code emptyPrefixOk}). */
  private static void stringMatch(Validation v, String path, StringMatch sm, boolean emptyPrefixOk) {
    switch (sm) {
      case StringMatch.Prefix p when p.value().isEmpty() && !emptyPrefixOk ->
          v.error(path + ".prefix", "prefix string match should not be empty");
      case StringMatch.Regex r -> regex(v, path + ".regex", r.value());
      case null, default -> {}
    }
  }

  private static void regex(Validation v, String path, String regex) {
    if (regex.isEmpty()) {
      v.error(path, "regex string match should not be empty");
    } else {
      Rules.regex(v, path, regex);
    }
  }

  /** Header changes: request set/add may set the authority (once); nothing may touch ":" pseudo headers or Host otherwise. */
  private static void headers(Validation v, String path, Headers h) {
    if (h == null) {
      return;
    }
    if (h.request() != null) {
      String p = path + ".request";
      setOrAdd(v, p + ".set", h.request().set(), true);
      setOrAdd(v, p + ".add", h.request().add(), true);
      remove(v, p + ".remove", h.request().remove());
    }
    if (h.response() != null) {
      String p = path + ".response";
      setOrAdd(v, p + ".set", h.response().set(), false);
      setOrAdd(v, p + ".add", h.response().add(), false);
      remove(v, p + ".remove", h.response().remove());
    }
  }

  private static void setOrAdd(Validation v, String path, Map<String, String> headers, boolean authorityAllowed) {
    for (Map.Entry<String, String> e : headers.entrySet()) {
      String p = FieldPaths.child(path, e.getKey());
      if (authorityAllowed) {
        operationNameAllowingAuthority(v, p, e.getKey());
      } else {
        operationName(v, p, e.getKey());
      }
      HeaderRules.headerValue(v, p, e.getValue());
    }
  }

  private static void remove(Validation v, String path, List<String> names) {
    for (int i = 0; i < names.size(); i++) {
      operationName(v, path + "[" + i + "]", names.get(i));
    }
  }

  /** Istio's ValidateHTTPHeaderWithAuthorityOperationName. */
  private static void operationNameAllowingAuthority(Validation v, String path, String name) {
    if (name.isEmpty()) {
      v.error(path, "header name cannot be empty");
    } else if (isInternalHeader(name) && !isAuthorityHeader(name)) {
      v.error(path, "invalid header \"" + name + "\": header cannot have \":\" prefix");
    }
  }

  /** Istio's ValidateHTTPHeaderOperationName. */
  private static void operationName(Validation v, String path, String name) {
    if (name.isEmpty()) {
      v.error(path, "header name cannot be empty");
    } else if (name.equalsIgnoreCase("host")) {
      v.error(path, "invalid header \"" + name + "\": cannot set Host header");
    } else if (isInternalHeader(name)) {
      v.error(path, "invalid header \"" + name + "\": header cannot have \":\" prefix");
    }
  }

  private static boolean isInternalHeader(String name) {
    return name.startsWith(":") || name.equalsIgnoreCase("host");
  }

  private static boolean isAuthorityHeader(String name) {
    return name.equalsIgnoreCase(":authority") || name.equalsIgnoreCase("host");
  }

  /** Istio's validateAuthorityRewrite: rewrite.authority and a request set/add of :authority or Host conflict. */
  private static void authorityOnce(Validation v, String path, HttpRewrite rewrite, Headers headers) {
    String current = rewrite == null || rewrite.authority() == null ? "" : rewrite.authority();
    if (headers == null || headers.request() == null) {
      return;
    }
    for (var op : List.of(Map.entry("set", headers.request().set()), Map.entry("add", headers.request().add()))) {
      for (Map.Entry<String, String> e : op.getValue().entrySet()) {
        if (!isAuthorityHeader(e.getKey())) {
          continue;
        }
        if (!current.isEmpty()) {
          v.error(FieldPaths.child(path + ".headers.request." + op.getKey(), e.getKey()),
              "authority header cannot be set multiple times: have \"" + current + "\", attempting to set \"" + e.getValue() + "\"");
          return;
        }
        current = e.getValue();
      }
    }
  }

  private static void cors(Validation v, String path, CorsPolicy c) {
    if (c == null) {
      return;
    }
    for (int i = 0; i < c.allowOrigins().size(); i++) {
      StringMatch origin = c.allowOrigins().get(i);
      String p = path + ".allowOrigins[" + i + "]";
      if (origin.value().isEmpty()) {
        v.error(p, "'' is not a valid match type for CORS allow origins");
      } else if (origin instanceof StringMatch.Regex r) {
        Rules.regex(v, p + ".regex", r.value());
      }
    }
    for (int i = 0; i < c.allowMethods().size(); i++) {
      String m = c.allowMethods().get(i);
      if (!CORS_METHODS.contains(m)) {
        v.error(path + ".allowMethods[" + i + "]", "\"" + m + "\" is not a supported HTTP method");
      }
    }
    corsHeaderNames(v, path + ".allowHeaders", c.allowHeaders());
    corsHeaderNames(v, path + ".exposeHeaders", c.exposeHeaders());
    if (c.maxAge() != null && Rules.duration(v, path + ".maxAge", c.maxAge()) && c.maxAge().getNano() != 0) {
      v.error(path + ".maxAge", "max_age duration is accurate only to seconds precision");
    }
  }

  private static void corsHeaderNames(Validation v, String path, List<String> names) {
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      if (n.isEmpty()) {
        v.error(path + "[" + i + "]", "header name cannot be empty");
      } else if (!n.equals("*")) {
        HeaderRules.headerName(v, path + "[" + i + "]", n);
      }
    }
  }

  private static void fault(Validation v, String path, HttpFaultInjection f) {
    if (f == null) {
      return;
    }
    if (f.abort() == null && f.delay() == null) {
      v.error(path, "HTTP fault injection must have an abort and/or a delay");
    }
    if (f.abort() != null) {
      String p = path + ".abort";
      faultPercentage(v, p + ".percentage", f.abort().percentage());
      switch (f.abort().error()) {
        case HttpFaultInjection.HttpStatus s -> httpStatus(v, p + ".httpStatus", s.status());
        case HttpFaultInjection.GrpcStatus g -> {
          if (!GRPC_STATUS.contains(g.status())) {
            v.error(p + ".grpcStatus", "gRPC status \"" + g.status() + "\" is not supported. See "
                + "https://github.com/grpc/grpc/blob/master/doc/statuscodes.md for a list of supported codes, for example 'NOT_FOUND'");
          }
        }
        case HttpFaultInjection.Http2Error e -> v.error(p + ".http2Error", "HTTP/2 abort fault injection not supported yet");
        case null -> v.warning(p, "abort configured, but error type not set");
      }
    }
    if (f.delay() != null) {
      String p = path + ".delay";
      faultPercentage(v, p + ".percentage", f.delay().percentage());
      switch (f.delay().type()) {
        case HttpFaultInjection.FixedDelay d -> Rules.duration(v, p + ".fixedDelay", d.duration());
        case HttpFaultInjection.ExponentialDelay d -> {
          Rules.duration(v, p + ".exponentialDelay", d.duration());
          v.error(p + ".exponentialDelay", "exponentialDelay not supported yet");
        }
        case null -> {}
      }
    }
  }

  /** Istio's validatePercentage: 0, or 0.0001..100 (Envoy's finest fraction is a millionth). */
  private static void faultPercentage(Validation v, String path, Double p) {
    if (p != null && (p < 0 || p > 100 || (p > 0 && p < 0.0001))) {
      v.error(path, "percentage " + Rules.formatNumber(p) + " is neither 0.0, nor in range [0.0001, 100.0]");
    }
  }

  private static void mirrorPercentage(Validation v, String path, String what, Double p) {
    if (p == null) {
      return;
    }
    if (p > 100) {
      v.error(path, what + " must have a max value of 100 (it has " + String.format(Locale.ROOT, "%f", p) + ")");
    } else if (p < 0) {
      v.error(path, what + " must have a min value of 0 (it has " + String.format(Locale.ROOT, "%f", p) + ")");
    }
  }

  /** Istio's validateHTTPStatus (its bound is 600 inclusive, though the message says 599). */
  private static void httpStatus(Validation v, String path, int status) {
    if (status < 200 || status > 600) {
      v.error(path, "HTTP status " + status + " is not in range 200-599");
    }
  }

  private static void redirect(Validation v, String path, HttpRedirect r) {
    if (r == null) {
      return;
    }
    if (isEmpty(r.uri()) && isEmpty(r.authority()) && r.port() == null && isEmpty(r.scheme())) {
      v.error(path, "redirect must specify URI, authority, scheme, or port");
    }
    if (r.redirectCode() != null && r.redirectCode() != 0 && (r.redirectCode() < 300 || r.redirectCode() > 399)) {
      v.error(path + ".redirectCode", r.redirectCode() + " is not a valid redirect code, must be 3xx");
    }
    if (!isEmpty(r.scheme()) && !r.scheme().equals("http") && !r.scheme().equals("https")) {
      v.error(path + ".scheme", "invalid redirect scheme, must be \"http\" or \"https\"");
    }
    if (r.port() instanceof HttpRedirect.FixedPort p && p.number() != 0) {
      AddressRules.port(v, path + ".port", p.number());
    }
  }

  private static void directResponse(Validation v, String path, HttpDirectResponse d) {
    if (d == null) {
      return;
    }
    if (d.body() != null) {
      int size = switch (d.body()) {
        case HttpDirectResponse.Text t -> t.text().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        case HttpDirectResponse.Bytes b -> b.bytes().length;
      };
      if (size > MB) {
        v.error(path + ".body", "large direct_responses may impact control plane performance, must be less than 1MB");
      } else if (size > 100 * KB) {
        v.warning(path + ".body", "large direct_responses may impact control plane performance");
      }
    }
    if (d.status() == null) {
      v.error(path + ".status", "status is required");
    } else {
      httpStatus(v, path + ".status", d.status());
    }
  }

  private static void retries(Validation v, String path, HttpRetry r) {
    if (r == null) {
      return;
    }
    int attempts = r.attempts() == null ? 0 : r.attempts();
    if (attempts < 0) {
      v.error(path + ".attempts", "attempts cannot be negative");
    }
    if (attempts == 0 && (r.perTryTimeout() != null || !isEmpty(r.retryOn()) || r.retryRemoteLocalities() != null)) {
      v.error(path + ".attempts", "http retry policy configured when attempts are set to 0 (disabled)");
    }
    Rules.duration(v, path + ".perTryTimeout", r.perTryTimeout());
    if (!isEmpty(r.retryOn())) {
      for (String policy : r.retryOn().split(",", -1)) {
        if (!RETRY_ON.contains(policy) && !isKnownStatus(policy)) {
          v.error(path + ".retryOn", "\"" + policy + "\" is not a valid retryOn policy");
        }
      }
    }
    Rules.duration(v, path + ".backoff", r.backoff());
  }

  private static boolean isKnownStatus(String s) {
    if (s.isEmpty() || s.length() > 3 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return false;
    }
    return KNOWN_STATUS.contains(Integer.parseInt(s));
  }

  private static void rewrite(Validation v, String path, HttpRewrite r) {
    if (r == null) {
      return;
    }
    if (!isEmpty(r.uri()) && r.uriRegexRewrite() != null) {
      v.error(path, "rewrite may only contain one of URI or UriRegexRewrite");
      return;
    }
    if (isEmpty(r.uri()) && r.uriRegexRewrite() == null && isEmpty(r.authority())) {
      v.error(path, "rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or UriRegexRewrite may be specified");
      return;
    }
    HttpRewrite.RegexRewrite rr = r.uriRegexRewrite();
    if (rr != null) {
      if (isEmpty(rr.match()) || isEmpty(rr.rewrite())) {
        v.error(path + ".uriRegexRewrite", "UriRegexRewrite requires both Rewrite and Match fields to be specified");
      } else {
        Rules.regex(v, path + ".uriRegexRewrite.match", rr.match());
      }
    }
  }

  private static void routeDestinations(Validation v, String path, List<HttpRouteDestination> route) {
    for (int i = 0; i < route.size(); i++) {
      HttpRouteDestination d = route.get(i);
      String p = path + "[" + i + "]";
      if (d.destination() == null) {
        v.error(p + ".destination", "destination is required");
      }
      headers(v, p + ".headers", d.headers());
      VirtualServiceValidator.destination(v, p + ".destination", d.destination());
      VirtualServiceValidator.weight(v, p + ".weight", d.weight());
    }
    VirtualServiceValidator.totalWeight(v, path, route.stream().map(HttpRouteDestination::weight).toList());
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }
}
