package dev.weft.controlplane.xds.translate;

import dev.weft.config.model.Resource;
import dev.weft.config.networking.destinationrule.DestinationRule;
import dev.weft.config.networking.virtualservice.Destination;
import dev.weft.config.networking.virtualservice.HttpDirectResponse;
import dev.weft.config.networking.virtualservice.HttpRedirect;
import dev.weft.config.networking.virtualservice.HttpRoute;
import dev.weft.config.networking.virtualservice.HttpRoute.HttpMatchRequest;
import dev.weft.config.networking.virtualservice.HttpRoute.HttpRouteDestination;
import dev.weft.config.networking.virtualservice.VirtualService;
import dev.weft.controlplane.registry.Service;
import dev.weft.controlplane.registry.ServicePort;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.Decorator;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Istio's route translation (pilot/pkg/networking/core/route): the HTTP rules of a VirtualService
 * as Envoy routes, one per match, in order; and the default route to a service that has no
 * VirtualService.
 */
final class HttpRoutes {
  private HttpRoutes() {}

  /**
   * Where routes are generated.
   *
   * @param port the listener (sidecar), server (gateway) or service (proxyless) port
   * @param gateways {@code ["mesh"]} for sidecars and proxyless clients, else the gateway's "namespace/name"s
   */
  record Context(ProxyScope scope, int port, List<String> gateways, boolean proxyless) {}

  /** The routes of a VirtualService at this port; empty when none of its rules applies here. */
  static List<Route> translate(Context ctx, Resource<VirtualService> vs) {
    List<Route> out = new ArrayList<>();
    for (HttpRoute http : vs.spec().http()) {
      if (http.delegate() != null) {
        continue; // delegation is not translated yet
      }
      if (http.match().isEmpty()) {
        out.add(route(ctx, vs, http, null, RouteMatches.catchAll()));
        break; // everything after an unconditional rule is unreachable
      }
      boolean catchAll = false;
      for (HttpMatchRequest m : http.match()) {
        if (!RouteMatches.appliesTo(m, ctx.port(), ctx.scope().proxy().labels(), ctx.scope().proxy().namespace(),
            ctx.gateways(), vs.namespace())) {
          continue;
        }
        RouteMatch match = RouteMatches.translate(m);
        out.add(route(ctx, vs, http, m, match));
        catchAll |= match.equals(RouteMatches.catchAll());
      }
      if (catchAll) {
        break;
      }
    }
    return out;
  }

  /** Istio's default route for a service without VirtualService: everything to its cluster. */
  static Route defaultRoute(Context ctx, Service service, ServicePort port) {
    String cluster = Names.outbound(port.number(), null, service.hostname());
    RouteAction.Builder action = RouteAction.newBuilder().setCluster(cluster);
    timeouts(action, null, ctx.proxyless());
    RetryPolicy retry = Retries.defaultPolicy();
    action.setRetryPolicy(retry);
    hashPolicy(ctx, service.hostname(), service.namespace(), null, port.number()).ifPresent(action::addHashPolicy);
    Route.Builder r = Route.newBuilder().setName("default").setMatch(RouteMatches.catchAll()).setRoute(action);
    if (!ctx.proxyless()) {
      r.setDecorator(Decorator.newBuilder().setOperation(Names.hostPort(service.hostname(), port.number()) + "/*"));
    }
    return r.build();
  }

  private static Route route(Context ctx, Resource<VirtualService> vs, HttpRoute http, HttpMatchRequest m, RouteMatch match) {
    Route.Builder r = Route.newBuilder().setMatch(match);
    String name = http.name() != null ? http.name() : "";
    if (m != null && m.name() != null && !m.name().isEmpty()) {
      name = name.isEmpty() ? m.name() : name + "." + m.name();
    }
    if (!name.isEmpty()) {
      r.setName(name);
    }
    HeaderOperations.Ops request = HeaderOperations.request(http.headers());
    HeaderOperations.Ops response = HeaderOperations.response(http.headers());
    String operationHost = null;
    if (http.redirect() != null) {
      r.setRedirect(redirect(http.redirect()));
    } else if (http.directResponse() != null) {
      r.setDirectResponse(directResponse(http.directResponse()));
    } else {
      RouteAction.Builder action = RouteAction.newBuilder();
      List<HttpRouteDestination> dests = http.route();
      if (dests.size() == 1) {
        HttpRouteDestination d = dests.getFirst();
        action.setCluster(cluster(ctx, d.destination(), vs.namespace()));
        // A single destination's header changes are the route's (Istio merges them).
        request = merge(request, HeaderOperations.request(d.headers()));
        response = merge(response, HeaderOperations.response(d.headers()));
      } else if (!dests.isEmpty()) {
        action.setWeightedClusters(weighted(ctx, dests, vs.namespace()));
      }
      if (!dests.isEmpty()) {
        operationHost = operationHost(ctx, dests.getFirst().destination(), vs.namespace());
      }
      timeouts(action, http.timeout(), ctx.proxyless());
      RetryPolicy retry = Retries.policy(http.retries());
      if (retry != null) {
        action.setRetryPolicy(retry);
      }
      rewrite(action, http);
      mirrors(ctx, action, http, vs.namespace());
      for (HttpRouteDestination d : dests) {
        Destination dest = d.destination();
        if (dest != null && dest.host() != null) {
          Optional<RouteAction.HashPolicy> hp = hashPolicy(ctx, dest.fqdn(vs.namespace()), vs.namespace(), dest.subset(),
              port(ctx, dest, vs.namespace()));
          if (hp.isPresent()) {
            action.addHashPolicy(hp.get());
            break;
          }
        }
      }
      r.setRoute(action);
    }
    r.addAllRequestHeadersToAdd(request.add()).addAllRequestHeadersToRemove(request.remove());
    r.addAllResponseHeadersToAdd(response.add()).addAllResponseHeadersToRemove(response.remove());
    HTTPFault fault = Faults.translate(http.fault());
    if (fault != null) {
      r.putTypedPerFilterConfig(Faults.FILTER, Protos.any(fault));
    }
    // gRPC refuses per-filter config for filters it does not implement (gRFC A39); CORS is one.
    var cors = Cors.translate(http.corsPolicy());
    if (cors != null && !ctx.proxyless()) {
      r.putTypedPerFilterConfig(Cors.FILTER, Protos.any(cors));
    }
    if (!ctx.proxyless()) {
      r.setDecorator(Decorator.newBuilder().setOperation(operation(operationHost, match)));
    }
    return r.build();
  }

  /** Istio's getRouteOperation: {@code host:port} of the first destination, then the path matched. */
  private static String operation(String hostPort, RouteMatch match) {
    String path = switch (match.getPathSpecifierCase()) {
      case PREFIX -> match.getPrefix() + "*";
      case PATH -> match.getPath();
      default -> "/*";
    };
    return (hostPort == null ? "" : hostPort) + path;
  }

  private static String operationHost(Context ctx, Destination d, String vsNamespace) {
    if (d == null || d.host() == null) {
      return null;
    }
    return Names.hostPort(d.fqdn(vsNamespace), port(ctx, d, vsNamespace));
  }

  /**
   * Istio's default timeout is none (0s). The same bound applies to gRPC streams: grpc-timeout
   * headers are capped by it (gRPC clients read max_stream_duration, gRFC A31).
   */
  private static void timeouts(RouteAction.Builder action, java.time.Duration timeout, boolean proxyless) {
    com.google.protobuf.Duration t = timeout == null ? Protos.ZERO : Protos.duration(timeout);
    action.setTimeout(t);
    RouteAction.MaxStreamDuration.Builder msd = RouteAction.MaxStreamDuration.newBuilder().setMaxStreamDuration(t);
    if (!proxyless) {
      msd.setGrpcTimeoutHeaderMax(t);
    }
    action.setMaxStreamDuration(msd);
  }

  /**
   * Weighted clusters: destinations of weight 0 are left out (Envoy needs a positive sum); when no
   * weight is set at all, traffic is shared equally. total_weight is deprecated: Envoy (and gRPC)
   * take the sum of the weights.
   */
  static WeightedCluster weighted(Context ctx, List<HttpRouteDestination> dests, String vsNamespace) {
    boolean anyWeight = dests.stream().anyMatch(d -> d.weight() != null && d.weight() > 0);
    WeightedCluster.Builder out = WeightedCluster.newBuilder();
    for (HttpRouteDestination d : dests) {
      int weight = anyWeight ? (d.weight() == null ? 0 : d.weight()) : 1;
      if (weight <= 0) {
        continue;
      }
      HeaderOperations.Ops request = HeaderOperations.request(d.headers());
      HeaderOperations.Ops response = HeaderOperations.response(d.headers());
      out.addClusters(WeightedCluster.ClusterWeight.newBuilder()
          .setName(cluster(ctx, d.destination(), vsNamespace))
          .setWeight(Protos.u32(weight))
          .addAllRequestHeadersToAdd(request.add()).addAllRequestHeadersToRemove(request.remove())
          .addAllResponseHeadersToAdd(response.add()).addAllResponseHeadersToRemove(response.remove()));
    }
    return out.build();
  }

  /** The cluster of a destination: {@code outbound|port|subset|fqdn}. */
  static String cluster(Context ctx, Destination d, String vsNamespace) {
    return Names.outbound(port(ctx, d, vsNamespace), d.subset(), d.fqdn(vsNamespace));
  }

  /** The destination's port, else the service's only port, else the port the request came in on. */
  private static int port(Context ctx, Destination d, String vsNamespace) {
    if (d.port() != null && d.port().number() != null) {
      return d.port().number();
    }
    Optional<Service> s = ctx.scope().service(d.fqdn(vsNamespace));
    if (s.isPresent() && s.get().ports().size() == 1) {
      return s.get().ports().getFirst().number();
    }
    return ctx.port();
  }

  private static Optional<RouteAction.HashPolicy> hashPolicy(Context ctx, String host, String fallbackNamespace,
      String subset, int port) {
    String ns = ctx.scope().service(host).map(Service::namespace).orElse(fallbackNamespace);
    DestinationRule rule = ctx.scope().destinationRule(host, ns).map(Resource::spec).orElse(null);
    return Optional.ofNullable(HashPolicies.translate(EffectivePolicy.of(rule, subset, port).consistentHash()));
  }

  private static void rewrite(RouteAction.Builder action, HttpRoute http) {
    if (http.rewrite() == null) {
      return;
    }
    if (http.rewrite().uri() != null && !http.rewrite().uri().isEmpty()) {
      action.setPrefixRewrite(http.rewrite().uri());
    }
    if (http.rewrite().uriRegexRewrite() != null) {
      action.setRegexRewrite(RegexMatchAndSubstitute.newBuilder()
          .setPattern(RouteMatches.regex(http.rewrite().uriRegexRewrite().match()))
          .setSubstitution(http.rewrite().uriRegexRewrite().rewrite()));
    }
    if (http.rewrite().authority() != null && !http.rewrite().authority().isEmpty()) {
      action.setHostRewriteLiteral(http.rewrite().authority());
    }
  }

  /** {@code mirror} + {@code mirrorPercentage} (or the deprecated mirrorPercent; 100% when neither), and {@code mirrors}. */
  private static void mirrors(Context ctx, RouteAction.Builder action, HttpRoute http, String vsNamespace) {
    if (http.mirror() != null && http.mirror().host() != null) {
      var percent = http.mirrorPercentage() != null ? Protos.percent(http.mirrorPercentage())
          : Protos.integerPercent(http.mirrorPercent() != null ? http.mirrorPercent() : 100);
      action.addRequestMirrorPolicies(RouteAction.RequestMirrorPolicy.newBuilder()
          .setCluster(cluster(ctx, http.mirror(), vsNamespace))
          .setRuntimeFraction(RuntimeFractionalPercent.newBuilder().setDefaultValue(percent)));
    }
    for (HttpRoute.HttpMirrorPolicy m : http.mirrors()) {
      if (m.destination() == null || m.destination().host() == null) {
        continue;
      }
      var percent = m.percentage() != null ? Protos.percent(m.percentage()) : Protos.integerPercent(100);
      action.addRequestMirrorPolicies(RouteAction.RequestMirrorPolicy.newBuilder()
          .setCluster(cluster(ctx, m.destination(), vsNamespace))
          .setRuntimeFraction(RuntimeFractionalPercent.newBuilder().setDefaultValue(percent)));
    }
  }

  static RedirectAction redirect(HttpRedirect in) {
    RedirectAction.Builder out = RedirectAction.newBuilder();
    if (in.uri() != null && !in.uri().isEmpty()) {
      out.setPathRedirect(in.uri());
    }
    if (in.authority() != null && !in.authority().isEmpty()) {
      out.setHostRedirect(in.authority());
    }
    if (in.scheme() != null && !in.scheme().isEmpty()) {
      out.setSchemeRedirect(in.scheme());
    }
    if (in.port() instanceof HttpRedirect.FixedPort p) {
      out.setPortRedirect(p.number());
    }
    int code = in.redirectCode() == null ? 301 : in.redirectCode();
    out.setResponseCode(switch (code) {
      case 302 -> RedirectAction.RedirectResponseCode.FOUND;
      case 303 -> RedirectAction.RedirectResponseCode.SEE_OTHER;
      case 307 -> RedirectAction.RedirectResponseCode.TEMPORARY_REDIRECT;
      case 308 -> RedirectAction.RedirectResponseCode.PERMANENT_REDIRECT;
      default -> RedirectAction.RedirectResponseCode.MOVED_PERMANENTLY;
    });
    return out.build();
  }

  static DirectResponseAction directResponse(HttpDirectResponse in) {
    DirectResponseAction.Builder out = DirectResponseAction.newBuilder().setStatus(in.status() == null ? 200 : in.status());
    switch (in.body()) {
      case HttpDirectResponse.Text t -> out.setBody(DataSource.newBuilder().setInlineString(t.text()));
      case HttpDirectResponse.Bytes b ->
          out.setBody(DataSource.newBuilder().setInlineBytes(com.google.protobuf.ByteString.copyFrom(b.bytes())));
      case null -> {
      }
    }
    return out.build();
  }

  private static HeaderOperations.Ops merge(HeaderOperations.Ops a, HeaderOperations.Ops b) {
    List<io.envoyproxy.envoy.config.core.v3.HeaderValueOption> add = new ArrayList<>(a.add());
    add.addAll(b.add());
    List<String> remove = new ArrayList<>(a.remove());
    remove.addAll(b.remove());
    return new HeaderOperations.Ops(add, remove);
  }
}
