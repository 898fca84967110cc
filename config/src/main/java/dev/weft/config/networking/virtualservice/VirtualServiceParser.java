package dev.weft.config.networking.virtualservice;

import dev.weft.config.networking.PortSelector;
import dev.weft.config.networking.StringMatchParser;
import dev.weft.config.networking.virtualservice.HttpRoute.Delegate;
import dev.weft.config.networking.virtualservice.HttpRoute.HttpMatchRequest;
import dev.weft.config.networking.virtualservice.HttpRoute.HttpMirrorPolicy;
import dev.weft.config.networking.virtualservice.HttpRoute.HttpRouteDestination;
import dev.weft.config.networking.virtualservice.VirtualService.L4MatchAttributes;
import dev.weft.config.networking.virtualservice.VirtualService.RouteDestination;
import dev.weft.config.networking.virtualservice.VirtualService.TcpRoute;
import dev.weft.config.networking.virtualservice.VirtualService.TlsMatchAttributes;
import dev.weft.config.networking.virtualservice.VirtualService.TlsRoute;
import dev.weft.config.read.MapReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a VirtualService spec: every field of Istio's networking/v1 VirtualService. Members of a
 * oneof written together are reported here, since the model cannot hold both.
 */
public final class VirtualServiceParser {
  private VirtualServiceParser() {}

  public static VirtualService parse(MapReader spec) {
    return new VirtualService(
        spec.strings("hosts"),
        spec.strings("gateways"),
        spec.list("http", VirtualServiceParser::httpRoute),
        spec.list("tls", VirtualServiceParser::tlsRoute),
        spec.list("tcp", VirtualServiceParser::tcpRoute),
        spec.strings("exportTo"));
  }

  static HttpRoute httpRoute(MapReader r) {
    String name = r.string("name");
    List<HttpMatchRequest> match = r.list("match", VirtualServiceParser::httpMatch);
    List<HttpRouteDestination> route = r.list("route", d -> new HttpRouteDestination(
        d.object("destination", VirtualServiceParser::destination), d.integer("weight"), d.object("headers", VirtualServiceParser::headers)));
    HttpRedirect redirect = r.object("redirect", VirtualServiceParser::redirect);
    HttpDirectResponse directResponse = r.object("directResponse", VirtualServiceParser::directResponse);
    Delegate delegate = r.object("delegate", d -> new Delegate(d.string("name"), d.string("namespace")));
    HttpRewrite rewrite = r.object("rewrite", w -> new HttpRewrite(w.string("uri"), w.string("authority"),
        w.object("uriRegexRewrite", x -> new HttpRewrite.RegexRewrite(x.string("match"), x.string("rewrite")))));
    var timeout = r.duration("timeout");
    HttpRetry retries = r.object("retries", t -> new HttpRetry(t.integer("attempts"), t.duration("perTryTimeout"),
        t.string("retryOn"), t.bool("retryRemoteLocalities"), t.bool("retryIgnorePreviousHosts"), t.duration("backoff")));
    HttpFaultInjection fault = r.object("fault", f -> new HttpFaultInjection(
        f.object("delay", VirtualServiceParser::delay), f.object("abort", VirtualServiceParser::abort)));
    Destination mirror = r.object("mirror", VirtualServiceParser::destination);
    List<HttpMirrorPolicy> mirrors = r.list("mirrors", m -> new HttpMirrorPolicy(
        m.object("destination", VirtualServiceParser::destination), percent(m, "percentage")));
    // protobuf JSON also accepts the proto field name; Istio's own examples used mirror_percent.
    Integer mirrorPercent = r.integer("mirrorPercent");
    Integer mirrorPercentSnake = r.integer("mirror_percent");
    if (mirrorPercent != null && mirrorPercentSnake != null) {
      r.error("mirror_percent", "mirrorPercent and mirror_percent are the same field; set only one");
    } else if (mirrorPercent == null) {
      mirrorPercent = mirrorPercentSnake;
    }
    Double mirrorPercentage = percent(r, "mirrorPercentage");
    CorsPolicy cors = r.object("corsPolicy", VirtualServiceParser::cors);
    Headers headers = r.object("headers", VirtualServiceParser::headers);
    return new HttpRoute(name, match, route, redirect, directResponse, delegate, rewrite, timeout, retries, fault,
        mirror, mirrors, mirrorPercent, mirrorPercentage, cors, headers);
  }

  static HttpMatchRequest httpMatch(MapReader m) {
    return new HttpMatchRequest(
        m.string("name"),
        m.object("uri", StringMatchParser::parse),
        m.object("scheme", StringMatchParser::parse),
        m.object("method", StringMatchParser::parse),
        m.object("authority", StringMatchParser::parse),
        m.objectMap("headers", StringMatchParser::parse),
        m.integer("port"),
        m.stringMap("sourceLabels"),
        m.strings("gateways"),
        m.objectMap("queryParams", StringMatchParser::parse),
        m.bool("ignoreUriCase", false),
        m.objectMap("withoutHeaders", StringMatchParser::parse),
        m.string("sourceNamespace"),
        m.string("statPrefix"));
  }

  /** Reads an Istio Destination (also Sidecar's egressProxy). */
  public static Destination destination(MapReader d) {
    return new Destination(d.string("host"), d.string("subset"),
        d.object("port", PortSelector::read));
  }

  static Headers headers(MapReader h) {
    return new Headers(h.object("request", VirtualServiceParser::headerOperations),
        h.object("response", VirtualServiceParser::headerOperations));
  }

  static Headers.HeaderOperations headerOperations(MapReader o) {
    return new Headers.HeaderOperations(o.stringMap("set"), o.stringMap("add"), o.strings("remove"));
  }

  static HttpRedirect redirect(MapReader r) {
    String uri = r.string("uri");
    String authority = r.string("authority");
    Integer port = r.integer("port");
    HttpRedirect.RedirectPortSelection derive = r.enumValue("derivePort", HttpRedirect.RedirectPortSelection.class);
    HttpRedirect.RedirectPort redirectPort = null;
    if (port != null && derive != null) {
      r.error("derivePort", "only one of port, derivePort may be set");
    } else if (port != null) {
      redirectPort = new HttpRedirect.FixedPort(port);
    } else if (derive != null) {
      redirectPort = new HttpRedirect.DerivePort(derive);
    }
    return new HttpRedirect(uri, authority, redirectPort, r.string("scheme"), r.integer("redirectCode"));
  }

  static HttpDirectResponse directResponse(MapReader d) {
    return new HttpDirectResponse(d.integer("status"), d.object("body", b -> {
      String text = b.string("string");
      String bytes = b.string("bytes");
      if (text != null && bytes != null) {
        b.error("bytes", "only one of string, bytes may be set");
        return null;
      }
      if (bytes != null) {
        try {
          HttpDirectResponse.Bytes.decode(bytes);
        } catch (IllegalArgumentException e) {
          b.error("bytes", "bytes must be base64-encoded: " + e.getMessage());
          return null;
        }
        return new HttpDirectResponse.Bytes(bytes);
      }
      return text == null ? null : new HttpDirectResponse.Text(text);
    }));
  }

  static HttpFaultInjection.Delay delay(MapReader d) {
    Integer percent = d.integer("percent");
    var fixed = d.duration("fixedDelay");
    var exponential = d.duration("exponentialDelay");
    Double percentage = percent(d, "percentage");
    HttpFaultInjection.DelayType type = null;
    if (fixed != null && exponential != null) {
      d.error("exponentialDelay", "only one of fixedDelay, exponentialDelay may be set");
    } else if (fixed != null) {
      type = new HttpFaultInjection.FixedDelay(fixed);
    } else if (exponential != null) {
      type = new HttpFaultInjection.ExponentialDelay(exponential);
    }
    return new HttpFaultInjection.Delay(type, percentage, percent);
  }

  static HttpFaultInjection.Abort abort(MapReader a) {
    Integer http = a.integer("httpStatus");
    String grpc = a.string("grpcStatus");
    String http2 = a.string("http2Error");
    Double percentage = percent(a, "percentage");
    List<String> set = new ArrayList<>();
    HttpFaultInjection.ErrorType error = null;
    if (http != null) {
      set.add("httpStatus");
      error = new HttpFaultInjection.HttpStatus(http);
    }
    if (grpc != null) {
      set.add("grpcStatus");
      error = new HttpFaultInjection.GrpcStatus(grpc);
    }
    if (http2 != null) {
      set.add("http2Error");
      error = new HttpFaultInjection.Http2Error(http2);
    }
    if (set.size() > 1) {
      a.error(null, "only one of httpStatus, grpcStatus, http2Error may be set, found " + String.join(" and ", set));
      error = null;
    }
    return new HttpFaultInjection.Abort(error, percentage);
  }

  static CorsPolicy cors(MapReader c) {
    return new CorsPolicy(
        c.list("allowOrigins", StringMatchParser::parse),
        c.strings("allowOrigin"),
        c.strings("allowMethods"),
        c.strings("allowHeaders"),
        c.strings("exposeHeaders"),
        c.duration("maxAge"),
        c.bool("allowCredentials"),
        c.enumValue("unmatchedPreflights", CorsPolicy.UnmatchedPreflights.class));
  }

  static TlsRoute tlsRoute(MapReader r) {
    return new TlsRoute(r.list("match", m -> new TlsMatchAttributes(
        m.strings("sniHosts"),
        m.strings("destinationSubnets"),
        m.integer("port"),
        m.stringMap("sourceLabels"),
        m.strings("gateways"),
        m.string("sourceNamespace"))), routeDestinations(r));
  }

  static TcpRoute tcpRoute(MapReader r) {
    return new TcpRoute(r.list("match", m -> new L4MatchAttributes(
        m.strings("destinationSubnets"),
        m.integer("port"),
        m.stringMap("sourceLabels"),
        m.strings("gateways"),
        m.string("sourceNamespace"))), routeDestinations(r));
  }

  private static List<RouteDestination> routeDestinations(MapReader r) {
    return r.list("route", d -> new RouteDestination(d.object("destination", VirtualServiceParser::destination), d.integer("weight")));
  }

  /** Istio's Percent message: {@code {value: 12.5}}; null when absent. */
  private static Double percent(MapReader r, String key) {
    return r.object(key, p -> p.number("value"));
  }
}
