package dev.weft.controlplane.xds.translate;

import static dev.weft.controlplane.xds.translate.Translated.PRODUCTPAGE;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** VirtualService HTTP rules as Envoy routes, seen in the productpage sidecar's route configuration 9080. */
class RouteTranslationTest {

  private static io.envoyproxy.envoy.type.matcher.v3.StringMatcher exact(String v) {
    return io.envoyproxy.envoy.type.matcher.v3.StringMatcher.newBuilder().setExact(v).build();
  }

  private static io.envoyproxy.envoy.type.matcher.v3.StringMatcher prefix(String v) {
    return io.envoyproxy.envoy.type.matcher.v3.StringMatcher.newBuilder().setPrefix(v).build();
  }

  private static List<Route> reviews(String http) {
    return Translated.of(PRODUCTPAGE, """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
        """ + http.indent(2)).sidecarRoutes("reviews");
  }

  @Test
  void everyMatchKind() {
    List<Route> routes = reviews("""
        - match:
          - uri: {exact: /a}
            ignoreUriCase: true
            headers:
              end-user: {exact: jason}
              x-prefix: {prefix: ab}
              x-regex: {regex: "v[0-9]+"}
              x-present: {}
            withoutHeaders:
              x-debug: {}
            queryParams:
              q: {exact: "1"}
              r: {regex: "[a-z]+"}
            method: {exact: GET}
            authority: {prefix: reviews}
            scheme: {exact: https}
          - uri: {prefix: /b}
          - uri: {regex: "/c/[0-9]+"}
          - uri: {prefix: /wrong-port}
            port: 8080
          - uri: {prefix: /other-client}
            sourceLabels: {app: ratings}
          - uri: {prefix: /this-client}
            sourceLabels: {app: productpage}
          route:
          - destination: {host: reviews}
        """);
    assertThat(routes).extracting(r -> r.getMatch().getPathSpecifierCase().name() + ":" + r.getMatch().getPath()
            + r.getMatch().getPrefix() + r.getMatch().getSafeRegex().getRegex())
        .containsExactly("PATH:/a", "PREFIX:/b", "SAFE_REGEX:/c/[0-9]+", "PREFIX:/this-client");
    RouteMatch first = routes.getFirst().getMatch();
    assertThat(first.getCaseSensitive().getValue()).isFalse();
    assertThat(first.hasCaseSensitive()).isTrue();
    assertThat(first.getHeadersList()).containsExactly(
        HeaderMatcher.newBuilder().setName("end-user").setStringMatch(exact("jason")).build(),
        HeaderMatcher.newBuilder().setName("x-prefix").setStringMatch(prefix("ab")).build(),
        HeaderMatcher.newBuilder().setName("x-regex").setStringMatch(
            io.envoyproxy.envoy.type.matcher.v3.StringMatcher.newBuilder().setSafeRegex(RouteMatches.regex("v[0-9]+"))).build(),
        HeaderMatcher.newBuilder().setName("x-present").setPresentMatch(true).build(),
        HeaderMatcher.newBuilder().setName("x-debug").setPresentMatch(true).setInvertMatch(true).build(),
        HeaderMatcher.newBuilder().setName(":method").setStringMatch(exact("GET")).build(),
        HeaderMatcher.newBuilder().setName(":authority").setStringMatch(prefix("reviews")).build(),
        HeaderMatcher.newBuilder().setName(":scheme").setStringMatch(exact("https")).build());
    assertThat(first.getQueryParametersList()).extracting(q -> q.getName() + "=" + q.getStringMatch().getExact()
        + q.getStringMatch().getSafeRegex().getRegex()).containsExactly("q=1", "r=[a-z]+");
  }

  @Test
  void weightedClustersLeaveOutZeroWeightsAndNeedNoTotal() {
    List<Route> routes = reviews("""
        - route:
          - destination: {host: reviews, subset: v1}
            weight: 70
          - destination: {host: reviews, subset: v2}
            weight: 30
            headers:
              request:
                set: {x-version: v2}
          - destination: {host: reviews, subset: v3}
            weight: 0
        """);
    RouteAction action = routes.getFirst().getRoute();
    assertThat(action.getWeightedClusters().hasTotalWeight()).isFalse();
    assertThat(action.getWeightedClusters().getClustersList()).extracting(c -> c.getName() + "=" + c.getWeight().getValue())
        .containsExactly("outbound|9080|v1|reviews.default.svc.cluster.local=70", "outbound|9080|v2|reviews.default.svc.cluster.local=30");
    assertThat(action.getWeightedClusters().getClusters(1).getRequestHeadersToAdd(0).getHeader().getKey()).isEqualTo("x-version");
  }

  @Test
  void oneDestinationIsAClusterWithIstioDefaults() {
    Route r = reviews("""
        - route:
          - destination: {host: reviews, subset: v1}
        """).getFirst();
    assertThat(r.getRoute().getCluster()).isEqualTo("outbound|9080|v1|reviews.default.svc.cluster.local");
    assertThat(r.getRoute().getTimeout().getSeconds()).isZero();
    assertThat(r.getRoute().hasTimeout()).isTrue();
    assertThat(r.getRoute().getRetryPolicy()).isEqualTo(Retries.defaultPolicy());
    assertThat(r.getMatch().getPrefix()).isEqualTo("/");
  }

  @Test
  void noVirtualServiceGivesTheDefaultRouteAndAllowAny() {
    Translated t = Translated.of(PRODUCTPAGE, "");
    Route r = t.sidecarRoutes("details").getFirst();
    assertThat(r.getName()).isEqualTo("default");
    assertThat(r.getRoute().getCluster()).isEqualTo("outbound|9080||details.default.svc.cluster.local");
    assertThat(t.vhost("9080", "details.default.svc.cluster.local:9080").getDomainsList()).containsExactly(
        "details.default.svc.cluster.local", "details.default.svc.cluster.local:9080", "details.default.svc",
        "details.default.svc:9080", "details.default", "details.default:9080", "details", "details:9080");
    assertThat(t.vhost("9080", "allow_any").getRoutes(0).getRoute().getCluster()).isEqualTo("PassthroughCluster");
  }

  @Test
  void retryOnStatusCodesBecomeRetriableStatusCodes() {
    RetryPolicy p = Retries.policy(new dev.weft.config.networking.virtualservice.HttpRetry(3, java.time.Duration.ofMillis(1500),
        "5xx, 503,gateway-error,429", true, false, java.time.Duration.ofMillis(20)));
    assertThat(p.getRetryOn()).isEqualTo("5xx,gateway-error,retriable-status-codes");
    assertThat(p.getRetriableStatusCodesList()).containsExactly(503, 429);
    assertThat(p.getNumRetries().getValue()).isEqualTo(3);
    assertThat(p.getPerTryTimeout().getNanos()).isEqualTo(500_000_000);
    assertThat(p.getRetryPriority().getName()).isEqualTo("envoy.retry_priorities.previous_priorities");
    assertThat(p.getRetryHostPredicateList()).isEmpty();
    assertThat(p.getRetryBackOff().getBaseInterval().getNanos()).isEqualTo(20_000_000);
  }

  @Test
  void retriesFromYaml() {
    List<Route> routes = reviews("""
        - match: [{uri: {prefix: /none}}]
          retries: {attempts: 0}
          route: [{destination: {host: reviews}}]
        - route: [{destination: {host: reviews}}]
          retries: {attempts: 4, retryOn: "connect-failure,refused-stream"}
        """);
    assertThat(routes.get(0).getRoute().hasRetryPolicy()).isFalse();
    RetryPolicy p = routes.get(1).getRoute().getRetryPolicy();
    assertThat(p.getRetryOn()).isEqualTo("connect-failure,refused-stream");
    assertThat(p.getRetriableStatusCodesList()).isEmpty();
    assertThat(p.getNumRetries().getValue()).isEqualTo(4);
    assertThat(p.getRetryHostPredicateCount()).isEqualTo(1);
  }

  @Test
  void faultPercentagesAreFractions() {
    List<Route> routes = reviews("""
        - match: [{uri: {prefix: /delay}}]
          fault:
            delay: {fixedDelay: 2.5s, percentage: {value: 0.1}}
            abort: {httpStatus: 503, percentage: {value: 12.5}}
          route: [{destination: {host: reviews}}]
        - match: [{uri: {prefix: /old}}]
          fault:
            delay: {fixedDelay: 1s, percent: 40}
          route: [{destination: {host: reviews}}]
        - fault:
            abort: {grpcStatus: UNAVAILABLE, percentage: {value: 100}}
          route: [{destination: {host: reviews}}]
        """);
    HTTPFault f = Translated.unpack(routes.get(0).getTypedPerFilterConfigOrThrow(Faults.FILTER), HTTPFault.class);
    assertThat(f.getDelay().getFixedDelay().getNanos()).isEqualTo(500_000_000);
    assertThat(f.getDelay().getPercentage()).isEqualTo(FractionalPercent.newBuilder().setNumerator(1000)
        .setDenominator(FractionalPercent.DenominatorType.MILLION).build());
    assertThat(f.getAbort().getHttpStatus()).isEqualTo(503);
    assertThat(f.getAbort().getPercentage().getNumerator()).isEqualTo(125_000);
    HTTPFault old = Translated.unpack(routes.get(1).getTypedPerFilterConfigOrThrow(Faults.FILTER), HTTPFault.class);
    assertThat(old.getDelay().getPercentage()).isEqualTo(FractionalPercent.newBuilder().setNumerator(40)
        .setDenominator(FractionalPercent.DenominatorType.HUNDRED).build());
    HTTPFault grpc = Translated.unpack(routes.get(2).getTypedPerFilterConfigOrThrow(Faults.FILTER), HTTPFault.class);
    assertThat(grpc.getAbort().getGrpcStatus()).isEqualTo(14);
    assertThat(grpc.getAbort().getPercentage().getNumerator()).isEqualTo(1_000_000);
  }

  @Test
  void headersRewritesMirrorsCorsRedirectsAndDirectResponses() {
    List<Route> routes = reviews("""
        - match: [{uri: {prefix: /moved}}]
          redirect: {uri: /new, authority: example.com, redirectCode: 302, port: 8443, scheme: https}
        - match: [{uri: {prefix: /static-answer}}]
          directResponse: {status: 418, body: {string: "teapot"}}
        - match: [{uri: {prefix: /v1}}]
          rewrite: {uri: /, authority: reviews.internal}
          timeout: 3s
          mirror: {host: ratings}
          mirrorPercentage: {value: 25}
          headers:
            request:
              set: {x-a: "1"}
              add: {x-b: "2"}
              remove: [x-c]
            response:
              remove: [server]
          corsPolicy:
            allowOrigins: [{exact: "https://example.com"}, {regex: "https://.*\\\\.example\\\\.org"}]
            allowMethods: [GET, POST]
            allowHeaders: [x-a]
            exposeHeaders: [x-b]
            maxAge: 24h
            allowCredentials: true
          route: [{destination: {host: reviews}}]
        - match: [{uri: {regex: "/r/.*"}}]
          rewrite:
            uriRegexRewrite: {match: "^/r/(.*)$", rewrite: "/\\\\1"}
          route: [{destination: {host: reviews}}]
        """);
    RedirectAction redirect = routes.get(0).getRedirect();
    assertThat(redirect.getPathRedirect()).isEqualTo("/new");
    assertThat(redirect.getHostRedirect()).isEqualTo("example.com");
    assertThat(redirect.getResponseCode()).isEqualTo(RedirectAction.RedirectResponseCode.FOUND);
    assertThat(redirect.getPortRedirect()).isEqualTo(8443);
    assertThat(redirect.getSchemeRedirect()).isEqualTo("https");
    assertThat(routes.get(1).getDirectResponse().getStatus()).isEqualTo(418);
    assertThat(routes.get(1).getDirectResponse().getBody().getInlineString()).isEqualTo("teapot");
    Route r = routes.get(2);
    assertThat(r.getRoute().getPrefixRewrite()).isEqualTo("/");
    assertThat(r.getRoute().getHostRewriteLiteral()).isEqualTo("reviews.internal");
    assertThat(r.getRoute().getTimeout().getSeconds()).isEqualTo(3);
    assertThat(r.getRoute().getMaxStreamDuration().getGrpcTimeoutHeaderMax().getSeconds()).isEqualTo(3);
    assertThat(r.getRoute().getRequestMirrorPolicies(0).getCluster()).isEqualTo("outbound|9080||ratings.default.svc.cluster.local");
    assertThat(r.getRoute().getRequestMirrorPolicies(0).getRuntimeFraction().getDefaultValue().getNumerator()).isEqualTo(250_000);
    assertThat(r.getRequestHeadersToAddList()).extracting(h -> h.getHeader().getKey() + ":" + h.getAppendAction())
        .containsExactly("x-a:OVERWRITE_IF_EXISTS_OR_ADD", "x-b:APPEND_IF_EXISTS_OR_ADD");
    assertThat(r.getRequestHeadersToRemoveList()).containsExactly("x-c");
    assertThat(r.getResponseHeadersToRemoveList()).containsExactly("server");
    CorsPolicy cors = Translated.unpack(r.getTypedPerFilterConfigOrThrow(Cors.FILTER), CorsPolicy.class);
    assertThat(cors.getAllowOriginStringMatch(0).getExact()).isEqualTo("https://example.com");
    assertThat(cors.getAllowOriginStringMatch(1).getSafeRegex().getRegex()).isEqualTo("https://.*\\.example\\.org");
    assertThat(cors.getAllowMethods()).isEqualTo("GET,POST");
    assertThat(cors.getMaxAge()).isEqualTo("86400");
    assertThat(cors.getAllowCredentials().getValue()).isTrue();
    assertThat(routes.get(3).getRoute().getRegexRewrite().getPattern().getRegex()).isEqualTo("^/r/(.*)$");
    assertThat(routes.get(3).getRoute().getRegexRewrite().getSubstitution()).isEqualTo("/\\1");
  }

  @Test
  void consistentHashOfTheDestinationIsTheRoutesHashPolicy() {
    Translated t = Translated.of(PRODUCTPAGE, """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          trafficPolicy:
            loadBalancer:
              consistentHash: {httpHeaderName: x-user}
          subsets:
          - name: v1
            labels: {version: v1}
            trafficPolicy:
              loadBalancer:
                consistentHash:
                  httpCookie: {name: session, path: /, ttl: 60s}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - match: [{uri: {prefix: /v1}}]
            route: [{destination: {host: reviews, subset: v1}}]
          - route: [{destination: {host: reviews}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: ratings}
        spec:
          host: ratings
          trafficPolicy:
            loadBalancer:
              consistentHash: {useSourceIp: true, maglev: {tableSize: 65537}}
        """);
    List<Route> routes = t.sidecarRoutes("reviews");
    RouteAction.HashPolicy cookie = routes.get(0).getRoute().getHashPolicy(0);
    assertThat(cookie.getCookie().getName()).isEqualTo("session");
    assertThat(cookie.getCookie().getTtl().getSeconds()).isEqualTo(60);
    assertThat(routes.get(1).getRoute().getHashPolicy(0).getHeader().getHeaderName()).isEqualTo("x-user");
    assertThat(t.sidecarRoutes("ratings").getFirst().getRoute().getHashPolicy(0).getConnectionProperties().getSourceIp()).isTrue();
  }
}
