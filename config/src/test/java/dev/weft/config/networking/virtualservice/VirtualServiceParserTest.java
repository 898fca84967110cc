package dev.weft.config.networking.virtualservice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.load.ConfigLoader;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.PortSelector;
import dev.weft.config.networking.StringMatch;
import dev.weft.config.networking.virtualservice.HttpRoute.HttpMatchRequest;
import dev.weft.config.testing.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class VirtualServiceParserTest {

  static final String RICH = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: reviews
        namespace: shop
      spec:
        hosts: [reviews, "*.example.com"]
        gateways: [mesh, istio-system/ingress]
        exportTo: [".", "other"]
        http:
        - name: jason
          match:
          - name: by-user
            uri: {prefix: /api}
            scheme: {exact: https}
            method: {regex: "GET|HEAD"}
            authority: {exact: reviews.example.com}
            headers:
              end-user: {exact: jason}
              x-present: {}
            withoutHeaders:
              x-debug: {regex: "*"}
            queryParams:
              v: {prefix: "2"}
            port: 9080
            sourceLabels: {app: productpage}
            gateways: [mesh]
            ignoreUriCase: true
            sourceNamespace: shop
            statPrefix: jason
          route:
          - destination: {host: reviews, subset: v2, port: {number: 9080}}
            weight: 75
            headers:
              request:
                set: {x-a: "1", x-b: "2"}
                add: {x-c: "%DOWNSTREAM_REMOTE_ADDRESS%"}
                remove: [x-d]
              response:
                remove: [server]
          - destination: {host: reviews, subset: v3}
            weight: 25
          rewrite:
            uriRegexRewrite: {match: "^/api/(.*)", rewrite: "/\\\\1"}
          timeout: 1.5s
          retries:
            attempts: 3
            perTryTimeout: 500ms
            retryOn: "5xx,reset,503"
            retryRemoteLocalities: true
            retryIgnorePreviousHosts: false
            backoff: 25ms
          fault:
            delay: {fixedDelay: 7s, percentage: {value: 12.5}}
            abort: {grpcStatus: UNAVAILABLE, percentage: {value: 1}}
          mirrors:
          - destination: {host: reviews-shadow}
            percentage: {value: 10}
          mirrorPercentage: {value: 50}
          corsPolicy:
            allowOrigins: [{exact: "https://a.example.com"}, {regex: "https://.*\\\\.example\\\\.com"}]
            allowMethods: [GET, POST]
            allowHeaders: [x-custom]
            exposeHeaders: [x-trace]
            maxAge: 24h
            allowCredentials: true
            unmatchedPreflights: IGNORE
          headers:
            response:
              set: {x-served-by: weft}
        - name: moved
          match: [{uri: {exact: /old}}]
          redirect: {uri: /new, authority: new.example.com, derivePort: FROM_REQUEST_PORT, scheme: https, redirectCode: 308}
        - name: teapot
          match: [{uri: {exact: /tea}}]
          directResponse: {status: 418, body: {string: "I'm a teapot"}}
        - name: delegated
          match: [{uri: {prefix: /d}}]
          delegate: {name: inner, namespace: shop}
        - route: [{destination: {host: reviews, subset: v1}}]
          mirror: {host: reviews-shadow}
          mirror_percent: 5 # the proto field name, as protobuf JSON also accepts
        tls:
        - match:
          - sniHosts: [a.example.com]
            destinationSubnets: [10.0.0.0/8]
            port: 443
            sourceLabels: {app: x}
            gateways: [mesh]
            sourceNamespace: shop
          route: [{destination: {host: a.example.com, port: {number: 443}}, weight: 100}]
        tcp:
        - match: [{port: 3306, destinationSubnets: ["2001:db8::/32"]}]
          route: [{destination: {host: mysql}}]
      """;

  static ConfigLoader load(String yaml) {
    return new ConfigLoader().addText("vs.yaml", yaml);
  }

  static VirtualService parseValid(String yaml) {
    ConfigLoader loader = load(yaml);
    assertThat(loader.diagnostics().list().stream().filter(d -> d.level() == dev.weft.config.diag.Level.ERROR))
        .as("errors").isEmpty();
    assertThat(loader.resources()).hasSize(1);
    return loader.resources().getFirst().as(VirtualService.class).spec();
  }

  @Test
  void readsEveryFieldOfARichVirtualService() {
    ConfigLoader loader = load(RICH);
    assertThat(loader.diagnostics().list()).extracting(Diagnostic::format)
        .containsExactly("vs.yaml:80: warning: VirtualService shop/reviews: spec.http[4].mirrorPercent: "
            + "using deprecated setting \"mirrorPercent\", use \"mirrorPercentage\" instead");
    Resource<VirtualService> r = loader.resources().getFirst().as(VirtualService.class);
    assertThat(r.kind()).isEqualTo(Kind.VIRTUAL_SERVICE);
    VirtualService vs = r.spec();
    assertThat(vs.hosts()).containsExactly("reviews", "*.example.com");
    assertThat(vs.fqdnHosts(r.namespace())).containsExactly("reviews.shop.svc.cluster.local", "*.example.com");
    assertThat(vs.gateways()).containsExactly("mesh", "istio-system/ingress");
    assertThat(vs.appliesToMesh()).isTrue();
    assertThat(vs.exportTo()).containsExactly(".", "other");
    assertThat(vs.http()).hasSize(5);

    HttpRoute jason = vs.http().get(0);
    assertThat(jason.name()).isEqualTo("jason");
    HttpMatchRequest m = jason.match().getFirst();
    assertThat(m.name()).isEqualTo("by-user");
    assertThat(m.uri()).isEqualTo(new StringMatch.Prefix("/api"));
    assertThat(m.scheme()).isEqualTo(new StringMatch.Exact("https"));
    assertThat(m.method()).isEqualTo(new StringMatch.Regex("GET|HEAD"));
    assertThat(m.authority()).isEqualTo(new StringMatch.Exact("reviews.example.com"));
    assertThat(m.headers()).containsExactly(Map.entry("end-user", new StringMatch.Exact("jason")),
        Map.entry("x-present", new StringMatch.Any()));
    assertThat(m.withoutHeaders()).containsExactly(Map.entry("x-debug", new StringMatch.Regex("*")));
    assertThat(m.queryParams()).containsExactly(Map.entry("v", new StringMatch.Prefix("2")));
    assertThat(m.port()).isEqualTo(9080);
    assertThat(m.sourceLabels()).containsExactly(Map.entry("app", "productpage"));
    assertThat(m.gateways()).containsExactly("mesh");
    assertThat(m.ignoreUriCase()).isTrue();
    assertThat(m.sourceNamespace()).isEqualTo("shop");
    assertThat(m.statPrefix()).isEqualTo("jason");

    assertThat(jason.route()).hasSize(2);
    HttpRoute.HttpRouteDestination d0 = jason.route().get(0);
    assertThat(d0.destination()).isEqualTo(new Destination("reviews", "v2", new PortSelector(9080)));
    assertThat(d0.destination().fqdn("shop")).isEqualTo("reviews.shop.svc.cluster.local");
    assertThat(d0.weight()).isEqualTo(75);
    assertThat(d0.headers().request().set()).containsExactly(Map.entry("x-a", "1"), Map.entry("x-b", "2"));
    assertThat(d0.headers().request().add()).containsExactly(Map.entry("x-c", "%DOWNSTREAM_REMOTE_ADDRESS%"));
    assertThat(d0.headers().request().remove()).containsExactly("x-d");
    assertThat(d0.headers().response().remove()).containsExactly("server");
    assertThat(jason.route().get(1).weight()).isEqualTo(25);
    assertThat(jason.route().get(1).headers()).isNull();

    assertThat(jason.rewrite()).isEqualTo(new HttpRewrite(null, null, new HttpRewrite.RegexRewrite("^/api/(.*)", "/\\1")));
    assertThat(jason.timeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(jason.retries()).isEqualTo(new HttpRetry(3, Duration.ofMillis(500), "5xx,reset,503", true, false, Duration.ofMillis(25)));
    assertThat(jason.fault().delay()).isEqualTo(new HttpFaultInjection.Delay(
        new HttpFaultInjection.FixedDelay(Duration.ofSeconds(7)), 12.5, null));
    assertThat(jason.fault().abort()).isEqualTo(new HttpFaultInjection.Abort(new HttpFaultInjection.GrpcStatus("UNAVAILABLE"), 1.0));
    assertThat(jason.mirrors()).containsExactly(new HttpRoute.HttpMirrorPolicy(new Destination("reviews-shadow", null, null), 10.0));
    assertThat(jason.mirrorPercentage()).isEqualTo(50.0);
    CorsPolicy cors = jason.corsPolicy();
    assertThat(cors.allowOrigins()).containsExactly(new StringMatch.Exact("https://a.example.com"),
        new StringMatch.Regex("https://.*\\.example\\.com"));
    assertThat(cors.allowOrigin()).isEmpty();
    assertThat(cors.allowMethods()).containsExactly("GET", "POST");
    assertThat(cors.allowHeaders()).containsExactly("x-custom");
    assertThat(cors.exposeHeaders()).containsExactly("x-trace");
    assertThat(cors.maxAge()).isEqualTo(Duration.ofHours(24));
    assertThat(cors.allowCredentials()).isTrue();
    assertThat(cors.unmatchedPreflights()).isEqualTo(CorsPolicy.UnmatchedPreflights.IGNORE);
    assertThat(jason.headers().response().set()).containsExactly(Map.entry("x-served-by", "weft"));
    assertThat(jason.headers().request()).isNull();

    assertThat(vs.http().get(1).redirect()).isEqualTo(new HttpRedirect("/new", "new.example.com",
        new HttpRedirect.DerivePort(HttpRedirect.RedirectPortSelection.FROM_REQUEST_PORT), "https", 308));
    HttpDirectResponse teapot = vs.http().get(2).directResponse();
    assertThat(teapot.status()).isEqualTo(418);
    assertThat(teapot.body()).isEqualTo(new HttpDirectResponse.Text("I'm a teapot"));
    assertThat(vs.http().get(3).delegate()).isEqualTo(new HttpRoute.Delegate("inner", "shop"));
    HttpRoute last = vs.http().get(4);
    assertThat(last.name()).isNull();
    assertThat(last.match()).isEmpty();
    assertThat(last.route().getFirst().weight()).isNull();
    assertThat(last.mirror()).isEqualTo(new Destination("reviews-shadow", null, null));
    assertThat(last.mirrorPercent()).isEqualTo(5);

    VirtualService.TlsMatchAttributes tls = vs.tls().getFirst().match().getFirst();
    assertThat(tls).isEqualTo(new VirtualService.TlsMatchAttributes(List.of("a.example.com"), List.of("10.0.0.0/8"), 443,
        Map.of("app", "x"), List.of("mesh"), "shop"));
    assertThat(vs.tls().getFirst().route()).containsExactly(new VirtualService.RouteDestination(
        new Destination("a.example.com", null, new PortSelector(443)), 100));
    assertThat(vs.tcp().getFirst().match()).containsExactly(new VirtualService.L4MatchAttributes(
        List.of("2001:db8::/32"), 3306, Map.of(), List.of(), null));
    assertThat(vs.tcp().getFirst().route().getFirst().destination().host()).isEqualTo("mysql");
  }

  @Test
  void readsBytesBodyAndFixedRedirectPort() {
    VirtualService vs = parseValid("""
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: r}
        spec:
          hosts: [r]
          http:
          - match: [{uri: {exact: /b}}]
            directResponse: {status: 200, body: {bytes: aGVsbG8=}}
          - redirect: {port: 8443, scheme: https}
        """);
    HttpDirectResponse.Body body = vs.http().get(0).directResponse().body();
    assertThat(body).isEqualTo(new HttpDirectResponse.Bytes("aGVsbG8="));
    assertThat(new String(body.bytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(vs.http().get(1).redirect().port()).isEqualTo(new HttpRedirect.FixedPort(8443));
    assertThat(vs.http().get(1).redirect().redirectCode()).isNull();
  }

  @Test
  void delegateVirtualServiceHasNoHosts() {
    VirtualService vs = parseValid("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: inner}
        spec:
          http:
          - route: [{destination: {host: reviews}}]
        """);
    assertThat(vs.isDelegate()).isTrue();
    assertThat(vs.hosts()).isEmpty();
  }

  @Test
  void everyVirtualServiceInIstiosSamplesLoadsWithoutErrors() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Corpus.samples())) {
      files = walk.filter(p -> p.toString().endsWith(".yaml")).filter(VirtualServiceParserTest::mentionsVirtualService).sorted().toList();
    }
    assertThat(files).as("samples with a VirtualService").hasSizeGreaterThanOrEqualTo(15)
        .anyMatch(p -> p.endsWith("bookinfo/networking/virtual-service-reviews-90-10.yaml"));
    int virtualServices = 0;
    for (Path f : files) {
      ConfigLoader loader = new ConfigLoader().addPath(f); // one batch per file: samples reuse names
      assertThat(loader.diagnostics().list()).as("diagnostics for %s", f)
          .noneMatch(d -> d.level() == dev.weft.config.diag.Level.ERROR);
      virtualServices += (int) loader.resources().stream().filter(r -> r.kind() == Kind.VIRTUAL_SERVICE).count();
    }
    assertThat(virtualServices).isGreaterThanOrEqualTo(20);
  }

  @Test
  void bookinfoWeightedSplitIsReadAsWritten() {
    ConfigLoader loader = new ConfigLoader().addPath(Corpus.samples().resolve("bookinfo/networking/virtual-service-reviews-90-10.yaml"));
    VirtualService vs = loader.resources().getFirst().as(VirtualService.class).spec();
    assertThat(vs.hosts()).containsExactly("reviews");
    assertThat(vs.http().getFirst().route()).extracting(d -> d.destination().subset() + "=" + d.weight())
        .containsExactly("v1=90", "v2=10");
  }

  private static boolean mentionsVirtualService(Path p) {
    try {
      return Files.readString(p).contains("kind: VirtualService");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
