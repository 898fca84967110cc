package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import dev.weft.controlplane.xds.server.XdsServer;
import dev.weft.controlplane.xds.server.XdsServerOptions;
import dev.weft.proxy.Proxy;
import dev.weft.proxy.bootstrap.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Retries, outlier detection, redirects, header mutations, rewrites, direct responses, mirroring,
 * hash-based balancing and CORS through the real proxy, fed by a real xDS server, against backends
 * on 127.0.0.1 that fail on purpose.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutingAndResilienceEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NODE_ID = "router~127.0.0.1~ingress-1.weft-system~weft-system.svc.cluster.local";

    /** 503, 503, 200, 503, 503, 200, ...: each request succeeds on its third attempt. */
    private final ScriptedBackend flaky = new ScriptedBackend("flaky", n -> n % 3 == 0 ? 200 : 503);
    private final ScriptedBackend sick = ScriptedBackend.always("sick", 503);
    private final ScriptedBackend good = ScriptedBackend.always("good", 200);
    private final ScriptedBackend unwell = ScriptedBackend.always("unwell", 503);
    private final ScriptedBackend well = ScriptedBackend.always("well", 200);
    private final ScriptedBackend stuck = ScriptedBackend.always("stuck", 200);
    private final ScriptedBackend quick = ScriptedBackend.always("quick", 200);
    private final ScriptedBackend bad = ScriptedBackend.always("bad", 500);
    private final ScriptedBackend main = ScriptedBackend.always("main", 200);
    private final ScriptedBackend shadow = ScriptedBackend.always("shadow", 200);
    private final List<ScriptedBackend> ring = List.of(ScriptedBackend.always("r1", 200),
            ScriptedBackend.always("r2", 200), ScriptedBackend.always("r3", 200));
    private final MutableSource source = new MutableSource();
    private XdsServer server;
    private Proxy proxy;

    @BeforeAll
    void start() throws IOException {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = socket.getLocalPort();
        }
        int[] ringPorts = ring.stream().mapToInt(ScriptedBackend::port).toArray();
        source.put(CLUSTER, "flaky", Envoy.edsCluster("flaky"))
                .put(CLUSTER, "dead", Envoy.edsCluster("dead"))
                .put(CLUSTER, "sick", cluster("sick", c -> c.setCircuitBreakers(CircuitBreakers.newBuilder()
                        .addThresholds(CircuitBreakers.Thresholds.newBuilder().setMaxRetries(UInt32Value.of(0))))))
                .put(CLUSTER, "od", cluster("od", c -> c.setOutlierDetection(OutlierDetection.newBuilder()
                        .setConsecutive5Xx(UInt32Value.of(3))
                        .setInterval(com.google.protobuf.Duration.newBuilder().setNanos(200_000_000))
                        .setBaseEjectionTime(com.google.protobuf.Duration.newBuilder().setSeconds(2))
                        .setMaxEjectionPercent(UInt32Value.of(50)))))
                .put(CLUSTER, "pair", cluster("pair", c -> c.setLbPolicy(Cluster.LbPolicy.RANDOM)))
                .put(ENDPOINT, "pair", Envoy.endpoints("pair", unwell.port(), well.port()))
                .put(CLUSTER, "slowpair", Envoy.edsCluster("slowpair"))
                .put(ENDPOINT, "slowpair", Envoy.endpoints("slowpair", stuck.port(), quick.port()))
                .put(CLUSTER, "main", Envoy.edsCluster("main"))
                .put(CLUSTER, "shadow", Envoy.edsCluster("shadow"))
                .put(CLUSTER, "ring", cluster("ring", c -> c.setLbPolicy(Cluster.LbPolicy.RING_HASH)))
                .put(CLUSTER, "maglev", cluster("maglev", c -> c.setLbPolicy(Cluster.LbPolicy.MAGLEV)))
                .put(ENDPOINT, "flaky", Envoy.endpoints("flaky", flaky.port()))
                .put(ENDPOINT, "dead", Envoy.endpoints("dead", deadPort))
                .put(ENDPOINT, "sick", Envoy.endpoints("sick", sick.port()))
                .put(ENDPOINT, "od", Envoy.endpoints("od", good.port(), bad.port()))
                .put(ENDPOINT, "main", Envoy.endpoints("main", main.port()))
                .put(ENDPOINT, "shadow", Envoy.endpoints("shadow", shadow.port()))
                .put(ENDPOINT, "ring", Envoy.endpoints("ring", ringPorts))
                .put(ENDPOINT, "maglev", Envoy.endpoints("maglev", ringPorts))
                .put(LISTENER, "ingress", listener("ingress"))
                .put(ROUTE, "routes", routes());
        server = new XdsServer(source, XdsServerOptions.defaults().withAddress("127.0.0.1", 0)
                .withDebounce(Duration.ZERO, Duration.ZERO)).start();
        Bootstrap bootstrap = Bootstrap.of(NODE_ID, "127.0.0.1", server.port()).withAdminPort(0)
                .withReconnect(Duration.ofMillis(100), Duration.ofMillis(500));
        proxy = Proxy.start(bootstrap, 2, Duration.ofSeconds(1));
        Await.until("/ready 200", WAIT, () -> Admin.get(proxy.adminPort(), "/ready").statusCode() == 200);
    }

    @AfterAll
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.stop();
        }
        for (ScriptedBackend backend : List.of(flaky, sick, good, bad, unwell, well, stuck, quick, main, shadow)) {
            backend.close();
        }
        ring.forEach(ScriptedBackend::close);
    }

    private static Any cluster(String name, java.util.function.Consumer<Cluster.Builder> change) {
        Cluster.Builder builder = Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(Envoy.ADS))
                .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(1));
        change.accept(builder);
        return Any.pack(builder.build());
    }

    /** An HTTP listener on 127.0.0.1 (any port) with the CORS filter and the router, routes from RDS. */
    private static Any listener(String name) {
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
                .setStatPrefix(name)
                .setRds(Rds.newBuilder().setConfigSource(Envoy.ADS).setRouteConfigName("routes"))
                .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.cors")
                        .setTypedConfig(Any.pack(Cors.getDefaultInstance())))
                .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
                        .setTypedConfig(Any.pack(Router.getDefaultInstance())))
                .build();
        return Any.pack(Listener.newBuilder()
                .setName(name)
                .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                        .setAddress("127.0.0.1").setPortValue(0)))
                .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
                        .setName("envoy.filters.network.http_connection_manager")
                        .setTypedConfig(Any.pack(hcm))))
                .build());
    }

    private static RetryPolicy retry(String on, int retries) {
        return RetryPolicy.newBuilder().setRetryOn(on).setNumRetries(UInt32Value.of(retries))
                .setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder()
                        .setBaseInterval(com.google.protobuf.Duration.newBuilder().setNanos(5_000_000)))
                .addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
                        .setName("envoy.retry_host_predicates.previous_hosts")
                        .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())))
                .setHostSelectionRetryMaxAttempts(5)
                .build();
    }

    private static Route.Builder prefix(String prefix) {
        return Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix(prefix));
    }

    private static HeaderValueOption header(String name, String value, HeaderValueOption.HeaderAppendAction action) {
        return HeaderValueOption.newBuilder().setHeader(HeaderValue.newBuilder().setKey(name).setValue(value))
                .setAppendAction(action).build();
    }

    private static Any routes() {
        return Any.pack(RouteConfiguration.newBuilder()
                .setName("routes")
                .addResponseHeadersToAdd(header("x-config", "c",
                        HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD))
                .addVirtualHosts(Envoy.virtualHost("retry", "retry.example.com")
                        .addRequestHeadersToAdd(header("x-vhost", "v",
                                HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD))
                        .setIncludeRequestAttemptCount(true)
                        .setIncludeAttemptCountInResponse(true)
                        .addRoutes(prefix("/").setRoute(RouteAction.newBuilder().setCluster("flaky")
                                .setRetryPolicy(retry("5xx", 3)))))
                .addVirtualHosts(Envoy.virtualHost("dead", "dead.example.com")
                        .setRetryPolicy(retry("connect-failure", 2))
                        .addRoutes(Envoy.toCluster("/", "dead")))
                .addVirtualHosts(Envoy.virtualHost("sick", "sick.example.com")
                        .addRoutes(prefix("/").setRoute(RouteAction.newBuilder().setCluster("sick")
                                .setRetryPolicy(retry("gateway-error", 3)))))
                .addVirtualHosts(Envoy.virtualHost("pair", "pair.example.com")
                        .addRoutes(prefix("/").setRoute(RouteAction.newBuilder().setCluster("pair")
                                // Each pick is random: 20 picks miss the other host with p = 2^-20
                                // (Istio's 5 would miss it 1 time in 32, as in Envoy).
                                .setRetryPolicy(retry("retriable-status-codes", 1).toBuilder()
                                        .addRetriableStatusCodes(503).setHostSelectionRetryMaxAttempts(20)))))
                .addVirtualHosts(Envoy.virtualHost("slowpair", "slowpair.example.com")
                        .addRoutes(prefix("/").setRoute(RouteAction.newBuilder().setCluster("slowpair")
                                .setRetryPolicy(retry("gateway-error", 1).toBuilder()
                                        .setHostSelectionRetryMaxAttempts(20)
                                        // 2 s: long enough that the quick host answers in time on
                                        // a loaded machine (300 ms gave 504s at load 30).
                                        .setPerTryTimeout(com.google.protobuf.Duration.newBuilder()
                                                .setSeconds(2))))))
                .addVirtualHosts(Envoy.virtualHost("od", "od.example.com")
                        .addRoutes(Envoy.toCluster("/", "od")))
                .addVirtualHosts(Envoy.virtualHost("redirect", "redirect.example.com", "redirect.example.com:80")
                        .addRoutes(prefix("/old").setRedirect(RedirectAction.newBuilder().setPrefixRewrite("/new")
                                .setResponseCode(RedirectAction.RedirectResponseCode.FOUND).setStripQuery(true)))
                        .addRoutes(prefix("/").setRedirect(RedirectAction.newBuilder().setHttpsRedirect(true))))
                .addVirtualHosts(Envoy.virtualHost("direct", "direct.example.com")
                        .addRoutes(prefix("/").setDirectResponse(DirectResponseAction.newBuilder().setStatus(200)
                                        .setBody(DataSource.newBuilder().setInlineString("pong")))
                                .addResponseHeadersToAdd(header("x-route", "r",
                                        HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD))))
                .addVirtualHosts(Envoy.virtualHost("headers", "headers.example.com")
                        .addRequestHeadersToAdd(header("x-vhost", "v",
                                HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD))
                        .addRoutes(prefix("/").setRoute(RouteAction.newBuilder().setCluster("main")
                                        .setRegexRewrite(RegexMatchAndSubstitute.newBuilder()
                                                .setPattern(RegexMatcher.newBuilder().setRegex("^/api/v(\\d+)/(.*)$"))
                                                .setSubstitution("/\\2/version\\1")))
                                .addRequestHeadersToAdd(header("x-added", "route",
                                        HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD))
                                .addRequestHeadersToAdd(header("x-absent-only", "route",
                                        HeaderValueOption.HeaderAppendAction.ADD_IF_ABSENT))
                                .addRequestHeadersToRemove("x-remove-me")
                                .addResponseHeadersToAdd(header("x-route", "r",
                                        HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD))
                                .addResponseHeadersToRemove("x-backend")))
                .addVirtualHosts(Envoy.virtualHost("mirror", "mirror.example.com")
                        .addRoutes(prefix("/").setRoute(RouteAction.newBuilder().setCluster("main")
                                .addRequestMirrorPolicies(RouteAction.RequestMirrorPolicy.newBuilder()
                                        .setCluster("shadow")
                                        .setRuntimeFraction(RuntimeFractionalPercent.newBuilder().setDefaultValue(
                                                FractionalPercent.newBuilder().setNumerator(100)))))))
                .addVirtualHosts(Envoy.virtualHost("ring", "ring.example.com")
                        .addRoutes(prefix("/").setRoute(RouteAction.newBuilder().setCluster("ring")
                                .addHashPolicy(RouteAction.HashPolicy.newBuilder().setHeader(
                                        RouteAction.HashPolicy.Header.newBuilder().setHeaderName("x-user"))))))
                .addVirtualHosts(Envoy.virtualHost("by-query", "by-query.example.com")
                        .addRoutes(prefix("/").setRoute(RouteAction.newBuilder().setCluster("maglev")
                                .addHashPolicy(RouteAction.HashPolicy.newBuilder().setQueryParameter(
                                        RouteAction.HashPolicy.QueryParameter.newBuilder().setName("u"))))))
                .addVirtualHosts(Envoy.virtualHost("by-ip", "by-ip.example.com")
                        .addRoutes(prefix("/").setRoute(RouteAction.newBuilder().setCluster("ring")
                                .addHashPolicy(RouteAction.HashPolicy.newBuilder().setConnectionProperties(
                                        RouteAction.HashPolicy.ConnectionProperties.newBuilder().setSourceIp(true))))))
                .addVirtualHosts(Envoy.virtualHost("maglev", "maglev.example.com")
                        .addRoutes(prefix("/").setRoute(RouteAction.newBuilder().setCluster("maglev")
                                .addHashPolicy(RouteAction.HashPolicy.newBuilder().setCookie(
                                        RouteAction.HashPolicy.Cookie.newBuilder().setName("affinity").setPath("/")
                                                .setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(60)))))))
                .addVirtualHosts(Envoy.virtualHost("cors", "cors.example.com")
                        .putTypedPerFilterConfig("envoy.filters.http.cors", Any.pack(CorsPolicy.newBuilder()
                                .addAllowOriginStringMatch(StringMatcher.newBuilder().setSuffix(".allowed.example"))
                                .setAllowMethods("GET,POST").setAllowHeaders("x-custom").setExposeHeaders("x-backend")
                                .setMaxAge("600").setAllowCredentials(BoolValue.of(true))
                                .build()))
                        .addRoutes(Envoy.toCluster("/", "main")))
                .build());
    }

    private InetSocketAddress ingress() {
        return proxy.listenerAddress("ingress").orElseThrow();
    }

    private Http1Client client() throws IOException {
        return new Http1Client(ingress());
    }

    private long stat(String name) {
        return proxy.stats().get(name);
    }

    @Test
    void aBackendThatFailsTwiceIsRetriedUntilItAnswers() throws IOException {
        try (Http1Client client = client()) {
            Http1Client.Response response = client.get("retry.example.com", "/work");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("flaky /work");
            assertThat(response.header("x-envoy-attempt-count")).isEqualTo("3");
        }
        assertThat(flaky.seen).hasSize(3);
        assertThat(flaky.seen.stream().map(seen -> seen.header("x-envoy-attempt-count")))
                .containsExactly("1", "2", "3");
        // The upstream headers are made once per request (as Envoy's router does): every attempt
        // carries the appended header once, and the one request id made for it.
        assertThat(flaky.seen).allSatisfy(seen -> assertThat(seen.headers().get("x-vhost")).containsExactly("v"));
        assertThat(flaky.seen.stream().map(seen -> seen.header("x-request-id")).distinct()).hasSize(1);
        assertThat(stat("cluster.flaky.upstream_rq_retry")).isEqualTo(2);
        assertThat(stat("cluster.flaky.upstream_rq_retry_success")).isEqualTo(1);
    }

    @Test
    void aRetryGoesToAHostNotTriedBefore() throws IOException {
        // Random balancing over a host that answers 503 and one that answers 200, one retry: without
        // the previous_hosts predicate a quarter of the requests would pick the failing host twice.
        try (Http1Client client = client()) {
            for (int i = 0; i < 30; i++) {
                Http1Client.Response response = client.get("pair.example.com", "/");
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).startsWith("well");
            }
        }
        assertThat(unwell.requests()).isBetween(1, 30);
    }

    @Test
    void aTryThatTimesOutIsRetriedOnAnotherHost() throws IOException {
        stuck.holdRequests();
        try (Http1Client client = client()) {
            for (int i = 0; i < 4; i++) {
                Http1Client.Response response = client.get("slowpair.example.com", "/t" + i);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).startsWith("quick");
            }
        } finally {
            stuck.release();
        }
        // Round robin sends every other first try to the stuck host: its per-try timeout fires.
        assertThat(stat("cluster.slowpair.upstream_rq_per_try_timeout")).isGreaterThanOrEqualTo(1);
        assertThat(stat("cluster.slowpair.upstream_rq_retry")).isEqualTo(stat("cluster.slowpair.upstream_rq_per_try_timeout"));
    }

    @Test
    void whenRetriesRunOutTheLastFailureIsSentWithUrx() throws IOException {
        try (Http1Client client = client()) {
            Http1Client.Response response = client.get("dead.example.com", "/");
            assertThat(response.status()).isEqualTo(503);
            assertThat(response.header("x-weft-response-flags")).contains("UF").contains("URX");
        }
        assertThat(stat("cluster.dead.upstream_rq_retry")).isEqualTo(2);
        assertThat(stat("cluster.dead.upstream_rq_retry_limit_exceeded")).isEqualTo(1);
        assertThat(stat("cluster.dead.upstream_cx_connect_fail")).isEqualTo(3);
    }

    @Test
    void theRetryCircuitBreakerStopsRetriesToASickService() throws IOException {
        try (Http1Client client = client()) {
            for (int i = 0; i < 5; i++) {
                assertThat(client.get("sick.example.com", "/").status()).isEqualTo(503);
            }
        }
        // max_retries 0: every request made one attempt only, however many retries the route allows.
        assertThat(sick.requests()).isEqualTo(5);
        assertThat(stat("cluster.sick.upstream_rq_retry_overflow")).isEqualTo(5);
        assertThat(stat("cluster.sick.upstream_rq_retry")).isZero();
    }

    @Test
    void aHostThatKeepsFailingIsEjectedAndComesBack() throws IOException {
        String badHost = "od::127.0.0.1:" + bad.port() + "::health_flags::";
        try (Http1Client client = client()) {
            // Round robin over good and bad: the bad one fails 3 times in a row within 6 requests.
            for (int i = 0; i < 6; i++) {
                client.get("od.example.com", "/");
            }
            // The ejection is recorded as the attempt completes, alongside the response: wait for it.
            Await.until("bad host ejected", WAIT,
                    () -> Admin.get(proxy.adminPort(), "/clusters").body().contains(badHost + "/failed_outlier_check"));
            assertThat(stat("cluster.od.outlier_detection.ejections_enforced_consecutive_5xx")).isEqualTo(1);
            int badBefore = bad.requests();
            for (int i = 0; i < 10; i++) {
                Http1Client.Response response = client.get("od.example.com", "/");
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).startsWith("good");
            }
            assertThat(bad.requests()).isEqualTo(badBefore);
        }
        Await.until("the ejected host back after base_ejection_time", WAIT,
                () -> Admin.get(proxy.adminPort(), "/clusters").body().contains(badHost + "healthy"));
        assertThat(stat("cluster.od.outlier_detection.ejections_active")).isZero();
    }

    @Test
    void redirectsAreAnsweredLocally() throws IOException {
        try (Http1Client client = client()) {
            Http1Client.Response https = client.get("redirect.example.com:80", "/page?q=1");
            assertThat(https.status()).isEqualTo(301);
            assertThat(https.header("location")).isEqualTo("https://redirect.example.com/page?q=1");
            Http1Client.Response moved = client.get("redirect.example.com", "/old/thing?q=1");
            assertThat(moved.status()).isEqualTo(302);
            assertThat(moved.header("location")).isEqualTo("http://redirect.example.com/new/thing");
            assertThat(moved.header("x-config")).isEqualTo("c");
        }
    }

    @Test
    void directResponsesCarryTheRouteAndConfigurationResponseHeaders() throws IOException {
        try (Http1Client client = client()) {
            Http1Client.Response response = client.get("direct.example.com", "/ping");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("pong");
            assertThat(response.header("x-route")).isEqualTo("r");
            assertThat(response.header("x-config")).isEqualTo("c");
        }
    }

    @Test
    void headerMutationsAndRegexRewriteReachTheBackend() throws IOException {
        int before = main.seen.size();
        try (Http1Client client = client()) {
            Http1Client.Response response = client.get("headers.example.com", "/api/v2/items?x=1",
                    "x-remove-me: 1", "x-added: client", "x-absent-only: client", "x-vhost: client");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("main /items/version2?x=1");
            assertThat(response.header("x-route")).isEqualTo("r");
            assertThat(response.header("x-config")).isEqualTo("c");
            assertThat(response.header("x-backend")).isNull();
        }
        ScriptedBackend.Seen seen = main.seen.get(before);
        assertThat(seen.header("x-remove-me")).isNull();
        assertThat(seen.headers().get("x-added")).containsExactly("route");
        assertThat(seen.headers().get("x-absent-only")).containsExactly("client");
        assertThat(seen.headers().get("x-vhost")).containsExactly("client", "v");
    }

    @Test
    void mirroredRequestsReachTheShadowWithoutHoldingUpTheMainOne() throws IOException {
        shadow.holdRequests();
        try (Http1Client client = client()) {
            for (int i = 0; i < 3; i++) {
                Http1Client.Response response = client.get("mirror.example.com", "/m" + i);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("main /m" + i);
            }
            // All three answered while the shadow still holds every mirrored copy.
            Await.until("3 mirrored requests at the shadow", WAIT, () -> shadow.seen.size() == 3);
            assertThat(shadow.seen.stream().map(seen -> seen.header("Host")))
                    .containsOnly("mirror.example.com-shadow");
        } finally {
            shadow.release();
        }
    }

    @Test
    void ringHashSendsOneKeyToOneHostAndSpreadsKeys() throws IOException {
        Set<String> hostsForKeys = new HashSet<>();
        try (Http1Client client = client()) {
            for (int user = 0; user < 30; user++) {
                Set<String> hosts = new HashSet<>();
                for (int i = 0; i < 3; i++) {
                    hosts.add(client.get("ring.example.com", "/", "x-user: user-" + user).header("x-backend"));
                }
                assertThat(hosts).hasSize(1);
                hostsForKeys.addAll(hosts);
            }
        }
        assertThat(hostsForKeys).hasSizeGreaterThan(1);
    }

    @Test
    void queryParameterAndSourceIpHashesKeepAKeyOnOneHost() throws IOException {
        Set<String> keyHosts = new HashSet<>();
        Set<String> ipHosts = new HashSet<>();
        try (Http1Client client = client()) {
            for (int key = 0; key < 20; key++) {
                Set<String> hosts = new HashSet<>();
                for (int i = 0; i < 3; i++) {
                    hosts.add(client.get("by-query.example.com", "/p" + i + "?u=" + key).header("x-backend"));
                }
                assertThat(hosts).hasSize(1);
                keyHosts.addAll(hosts);
                // Every request of this test comes from 127.0.0.1: one host for all of them.
                ipHosts.add(client.get("by-ip.example.com", "/k" + key).header("x-backend"));
            }
        }
        assertThat(keyHosts).hasSizeGreaterThan(1);
        assertThat(ipHosts).hasSize(1);
    }

    @Test
    void maglevWithACookiePolicySetsTheCookieAndKeepsTheClientOnOneHost() throws IOException {
        try (Http1Client client = client()) {
            Http1Client.Response first = client.get("maglev.example.com", "/");
            String setCookie = first.header("set-cookie");
            assertThat(setCookie).startsWith("affinity=\"").contains("; Max-Age=60; Path=/").endsWith("; HttpOnly");
            String value = setCookie.substring("affinity=\"".length(), setCookie.indexOf('"', "affinity=\"".length()));
            for (int i = 0; i < 5; i++) {
                Http1Client.Response next = client.get("maglev.example.com", "/", "Cookie: affinity=" + value);
                assertThat(next.header("x-backend")).isEqualTo(first.header("x-backend"));
                assertThat(next.header("set-cookie")).isNull();
            }
        }
    }

    @Test
    void corsPreflightIsAnsweredLocallyAndResponsesGetTheAllowHeaders() throws IOException {
        int before = main.requests();
        try (Http1Client client = client()) {
            Http1Client.Response preflight = client.raw("OPTIONS /x HTTP/1.1\r\nHost: cors.example.com\r\n"
                    + "Origin: https://app.allowed.example\r\nAccess-Control-Request-Method: POST\r\n\r\n");
            assertThat(preflight.status()).isEqualTo(200);
            assertThat(preflight.header("access-control-allow-origin")).isEqualTo("https://app.allowed.example");
            assertThat(preflight.header("access-control-allow-methods")).isEqualTo("GET,POST");
            assertThat(preflight.header("access-control-allow-headers")).isEqualTo("x-custom");
            assertThat(preflight.header("access-control-max-age")).isEqualTo("600");
            assertThat(preflight.header("access-control-allow-credentials")).isEqualTo("true");
            assertThat(main.requests()).isEqualTo(before);

            Http1Client.Response simple = client.get("cors.example.com", "/x", "Origin: https://app.allowed.example");
            assertThat(simple.status()).isEqualTo(200);
            assertThat(simple.header("access-control-allow-origin")).isEqualTo("https://app.allowed.example");
            assertThat(simple.header("access-control-expose-headers")).isEqualTo("x-backend");

            Http1Client.Response other = client.get("cors.example.com", "/x", "Origin: https://evil.example");
            assertThat(other.status()).isEqualTo(200);
            assertThat(other.header("access-control-allow-origin")).isNull();
        }
        assertThat(stat("http.ingress.cors.origin_invalid")).isEqualTo(1);
    }
}
