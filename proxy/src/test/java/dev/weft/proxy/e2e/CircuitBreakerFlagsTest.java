package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 4, "each circuit-breaker flag": every way the proxy fails a request upstream, through real
 * sockets, asserted three ways as Envoy reports it: the response (status, body, and Weft's
 * {@code x-weft-response-flags} on local replies), the access log's %RESPONSE_FLAGS% field (Envoy's
 * default format, also for an upstream response passed through), and the counters Envoy bumps.
 *
 * <p>Envoy's mapping, which this follows: max_connections full while a request may still wait
 * counts {@code upstream_cx_overflow}; max_pending_requests or max_requests full fails the request
 * with UO and {@code upstream_rq_pending_overflow}; the retry circuit breaker (max_retries / retry
 * budget) full sends the last response with UO and {@code upstream_rq_retry_overflow}; retries used up
 * send it with URX and {@code upstream_rq_retry_limit_exceeded}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CircuitBreakerFlagsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern FLAGS = Pattern.compile("\" (\\d+) (\\S+) ");

    private final ScriptedBackend heldConnections = ScriptedBackend.always("held-cx", 200);
    private final ScriptedBackend heldRequests = ScriptedBackend.always("held-rq", 200);
    private final ScriptedBackend slow = ScriptedBackend.always("slow", 200);
    private final ScriptedBackend sick = ScriptedBackend.always("sick", 503);
    private final ScriptedBackend unwell = ScriptedBackend.always("unwell", 503);
    private final ScriptedBackend left = ScriptedBackend.always("left", 200);
    private final ExecutorService senders = Executors.newFixedThreadPool(4);
    private ServerSocket hangUp;
    private Path accessLog;
    private ProxyUnderTest under;

    @BeforeAll
    void start() throws IOException {
        accessLog = Files.createTempDirectory("weft-cb").resolve("access.log");
        hangUp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(this::hangUpAfterTheRequestHead);
        int deadPort = ProxyUnderTest.freePort();
        MutableSource source = new MutableSource()
                .put(CLUSTER, "cx", cluster("cx", t -> t.setMaxConnections(UInt32Value.of(1))
                        .setMaxPendingRequests(UInt32Value.of(1))))
                .put(CLUSTER, "rq", cluster("rq", t -> t.setMaxRequests(UInt32Value.of(1))))
                .put(CLUSTER, "sick", cluster("sick", t -> t.setMaxRetries(UInt32Value.of(0))))
                .put(CLUSTER, "unwell", Envoy.edsCluster("unwell"))
                .put(CLUSTER, "dead", Envoy.edsCluster("dead"))
                .put(CLUSTER, "empty", Envoy.edsCluster("empty"))
                .put(CLUSTER, "slow", Envoy.edsCluster("slow"))
                .put(CLUSTER, "hangup", Envoy.edsCluster("hangup"))
                .put(CLUSTER, "left", Envoy.edsCluster("left"))
                .put(ENDPOINT, "left", Envoy.endpoints("left", left.port()))
                .put(ENDPOINT, "cx", Envoy.endpoints("cx", heldConnections.port()))
                .put(ENDPOINT, "rq", Envoy.endpoints("rq", heldRequests.port()))
                .put(ENDPOINT, "sick", Envoy.endpoints("sick", sick.port()))
                .put(ENDPOINT, "unwell", Envoy.endpoints("unwell", unwell.port()))
                .put(ENDPOINT, "dead", Envoy.endpoints("dead", deadPort))
                .put(ENDPOINT, "empty", Envoy.endpoints("empty"))
                .put(ENDPOINT, "slow", Envoy.endpoints("slow", slow.port()))
                .put(ENDPOINT, "hangup", Envoy.endpoints("hangup", hangUp.getLocalPort()))
                .put(ROUTE, "routes", routes())
                .put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, "routes", hcm -> hcm.addAccessLog(
                        AccessLog.newBuilder().setName("envoy.access_loggers.file").setTypedConfig(Any.pack(
                                FileAccessLog.newBuilder().setPath(accessLog.toString()).build())))));
        under = new ProxyUnderTest(source, "router~127.0.0.1~cb-1.weft-system~weft-system.svc.cluster.local");
    }

    @AfterAll
    void stop() throws IOException {
        heldConnections.release();
        heldRequests.release();
        slow.release();
        left.release();
        if (under != null) {
            under.close();
        }
        senders.shutdownNow();
        hangUp.close();
        for (ScriptedBackend backend : List.of(heldConnections, heldRequests, slow, sick, unwell, left)) {
            backend.close();
        }
        Files.deleteIfExists(accessLog);
        Files.deleteIfExists(accessLog.getParent());
    }

    /** A backend that reads a request head and closes the connection without answering. */
    private void hangUpAfterTheRequestHead() {
        while (!hangUp.isClosed()) {
            try (Socket socket = hangUp.accept()) {
                InputStream in = socket.getInputStream();
                int matched = 0;
                byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                for (int b; matched < 4 && (b = in.read()) != -1; ) {
                    matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
                }
            } catch (IOException e) {
                // closed
            }
        }
    }

    private static Any cluster(String name, Consumer<CircuitBreakers.Thresholds.Builder> thresholds) {
        CircuitBreakers.Thresholds.Builder builder = CircuitBreakers.Thresholds.newBuilder();
        thresholds.accept(builder);
        return Any.pack(Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(Envoy.ADS))
                .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(1))
                .setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(builder))
                .build());
    }

    private static RetryPolicy retry(String on, int retries) {
        return RetryPolicy.newBuilder().setRetryOn(on).setNumRetries(UInt32Value.of(retries))
                .setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder()
                        .setBaseInterval(com.google.protobuf.Duration.newBuilder().setNanos(5_000_000)))
                .build();
    }

    private static Route.Builder all() {
        return Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"));
    }

    private static Any routes() {
        return Any.pack(RouteConfiguration.newBuilder().setName("routes")
                .addVirtualHosts(Envoy.virtualHost("cx", "cx.example.com").addRoutes(Envoy.toCluster("/", "cx")))
                .addVirtualHosts(Envoy.virtualHost("rq", "rq.example.com").addRoutes(Envoy.toCluster("/", "rq")))
                .addVirtualHosts(Envoy.virtualHost("sick", "sick.example.com").addRoutes(all()
                        .setRoute(RouteAction.newBuilder().setCluster("sick").setRetryPolicy(retry("5xx", 3)))))
                .addVirtualHosts(Envoy.virtualHost("unwell", "unwell.example.com").addRoutes(all()
                        .setRoute(RouteAction.newBuilder().setCluster("unwell").setRetryPolicy(retry("5xx", 2)))))
                .addVirtualHosts(Envoy.virtualHost("dead", "dead.example.com").addRoutes(Envoy.toCluster("/", "dead")))
                .addVirtualHosts(Envoy.virtualHost("empty", "empty.example.com").addRoutes(Envoy.toCluster("/", "empty")))
                .addVirtualHosts(Envoy.virtualHost("slow", "slow.example.com").addRoutes(all()
                        .setRoute(RouteAction.newBuilder().setCluster("slow")
                                .setTimeout(com.google.protobuf.Duration.newBuilder().setNanos(300_000_000)))))
                .addVirtualHosts(Envoy.virtualHost("left", "left.example.com").addRoutes(Envoy.toCluster("/", "left")))
                .addVirtualHosts(Envoy.virtualHost("hangup", "hangup.example.com")
                        .addRoutes(Envoy.toCluster("/", "hangup")))
                .build());
    }

    private Http1Client.Response get(String host, String path) throws IOException {
        try (Http1Client client = new Http1Client(under.listener("ingress"))) {
            return client.get(host, path);
        }
    }

    private CompletableFuture<Http1Client.Response> getAsync(String host, String path) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return get(host, path);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, senders);
    }

    /** The %RESPONSE_FLAGS% field of the access log line of the request for {@code path}. */
    private String loggedFlags(String path, int status) {
        String[] found = new String[1];
        Await.until("access log line of " + path, WAIT, () -> {
            try {
                for (String line : Files.readAllLines(accessLog, StandardCharsets.UTF_8)) {
                    if (line.contains("\"GET " + path + " HTTP/1.1\"")) {
                        found[0] = line;
                        return true;
                    }
                }
            } catch (IOException e) {
                // not written yet
            }
            return false;
        });
        Matcher matcher = FLAGS.matcher(found[0]);
        assertThat(matcher.find()).as(found[0]).isTrue();
        assertThat(Integer.parseInt(matcher.group(1))).as(found[0]).isEqualTo(status);
        return matcher.group(2);
    }

    private long stat(String name) {
        return under.stat(name);
    }

    @Test
    void maxConnectionsThenMaxPendingRequestsOverflowWithUo() throws Exception {
        heldConnections.holdRequests();
        long uo = stat("http.ingress.rs_flag.UO");
        try {
            // The one connection max_connections allows carries the first request (held)...
            var first = getAsync("cx.example.com", "/cx/1");
            Await.until("first request at the backend", WAIT, () -> heldConnections.requests() == 1);
            // ...the second wants a connection, may not open one, and waits (max_pending_requests 1)...
            var second = getAsync("cx.example.com", "/cx/2");
            Await.until("second request pending", WAIT, () -> stat("cluster.cx.upstream_rq_pending_total") == 1);
            assertThat(stat("cluster.cx.upstream_cx_overflow")).isEqualTo(1);
            // ...and the third finds both full: 503 UO at once.
            Http1Client.Response third = get("cx.example.com", "/cx/3");
            assertThat(third.status()).isEqualTo(503);
            assertThat(third.header("x-weft-response-flags")).isEqualTo("UO");
            assertThat(third.body()).isEqualTo(
                    "upstream connect error or disconnect/reset before headers. reset reason: overflow");
            assertThat(loggedFlags("/cx/3", 503)).isEqualTo("UO");
            assertThat(stat("cluster.cx.upstream_rq_pending_overflow")).isEqualTo(1);
            assertThat(stat("cluster.cx.upstream_cx_overflow")).isEqualTo(1);
            assertThat(stat("http.ingress.rs_flag.UO") - uo).isEqualTo(1);
            heldConnections.release();
            assertThat(first.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(second.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(loggedFlags("/cx/2", 200)).isEqualTo("-");
        } finally {
            heldConnections.release();
        }
        assertThat(stat("cluster.cx.upstream_cx_total")).isEqualTo(1);
    }

    @Test
    void maxRequestsOverflowsWithUo() throws Exception {
        heldRequests.holdRequests();
        long uo = stat("http.ingress.rs_flag.UO");
        try {
            var first = getAsync("rq.example.com", "/rq/1");
            Await.until("first request at the backend", WAIT, () -> heldRequests.requests() == 1);
            Http1Client.Response second = get("rq.example.com", "/rq/2");
            assertThat(second.status()).isEqualTo(503);
            assertThat(second.header("x-weft-response-flags")).isEqualTo("UO");
            assertThat(loggedFlags("/rq/2", 503)).isEqualTo("UO");
            // Envoy counts a max_requests overflow as a pending overflow too.
            assertThat(stat("cluster.rq.upstream_rq_pending_overflow")).isEqualTo(1);
            assertThat(stat("cluster.rq.upstream_cx_overflow")).isZero();
            assertThat(stat("http.ingress.rs_flag.UO") - uo).isEqualTo(1);
            heldRequests.release();
            assertThat(first.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        } finally {
            heldRequests.release();
        }
    }

    @Test
    void aFullRetryCircuitBreakerSendsTheResponseWithUo() throws IOException {
        Http1Client.Response response = get("sick.example.com", "/sick/1");
        // The upstream's own 503, passed on: no local reply, so the flag is in the access log only.
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("sick /sick/1");
        assertThat(response.header("x-weft-response-flags")).isNull();
        assertThat(loggedFlags("/sick/1", 503)).isEqualTo("UO");
        assertThat(sick.requests()).isEqualTo(1);
        assertThat(stat("cluster.sick.upstream_rq_retry_overflow")).isEqualTo(1);
        assertThat(stat("cluster.sick.upstream_rq_retry")).isZero();
    }

    @Test
    void retriesUsedUpSendTheLastResponseWithUrx() throws IOException {
        Http1Client.Response response = get("unwell.example.com", "/unwell/1");
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("unwell /unwell/1");
        assertThat(loggedFlags("/unwell/1", 503)).isEqualTo("URX");
        assertThat(unwell.requests()).isEqualTo(3);
        assertThat(stat("cluster.unwell.upstream_rq_retry")).isEqualTo(2);
        assertThat(stat("cluster.unwell.upstream_rq_retry_limit_exceeded")).isEqualTo(1);
        assertThat(stat("cluster.unwell.upstream_rq_retry_overflow")).isZero();
    }

    @Test
    void aConnectFailureIsUf() throws IOException {
        long uf = stat("http.ingress.rs_flag.UF");
        Http1Client.Response response = get("dead.example.com", "/dead/1");
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.header("x-weft-response-flags")).isEqualTo("UF");
        assertThat(response.body()).endsWith("reset reason: connection failure");
        assertThat(loggedFlags("/dead/1", 503)).isEqualTo("UF");
        assertThat(stat("cluster.dead.upstream_cx_connect_fail")).isEqualTo(1);
        assertThat(stat("http.ingress.rs_flag.UF") - uf).isEqualTo(1);
    }

    @Test
    void noHealthyHostIsUh() throws IOException {
        long uh = stat("http.ingress.rs_flag.UH");
        Http1Client.Response response = get("empty.example.com", "/empty/1");
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.header("x-weft-response-flags")).isEqualTo("UH");
        assertThat(response.body()).isEqualTo("no healthy upstream");
        assertThat(loggedFlags("/empty/1", 503)).isEqualTo("UH");
        assertThat(stat("cluster.empty.upstream_cx_none_healthy")).isEqualTo(1);
        assertThat(stat("http.ingress.rs_flag.UH") - uh).isEqualTo(1);
    }

    @Test
    void noRouteIsNr() throws IOException {
        long nr = stat("http.ingress.rs_flag.NR");
        long noRoute = stat("http.ingress.no_route");
        Http1Client.Response response = get("nowhere.example.com", "/nowhere/1");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.header("x-weft-response-flags")).isEqualTo("NR");
        assertThat(loggedFlags("/nowhere/1", 404)).isEqualTo("NR");
        assertThat(stat("http.ingress.no_route") - noRoute).isEqualTo(1);
        assertThat(stat("http.ingress.rs_flag.NR") - nr).isEqualTo(1);
    }

    @Test
    void theRouteTimeoutIsUt() throws IOException {
        slow.holdRequests();
        long ut = stat("http.ingress.rs_flag.UT");
        try {
            Http1Client.Response response = get("slow.example.com", "/slow/1");
            assertThat(response.status()).isEqualTo(504);
            assertThat(response.header("x-weft-response-flags")).isEqualTo("UT");
            assertThat(response.body()).isEqualTo("upstream request timeout");
            assertThat(loggedFlags("/slow/1", 504)).isEqualTo("UT");
            assertThat(stat("cluster.slow.upstream_rq_timeout")).isEqualTo(1);
            assertThat(stat("http.ingress.rs_flag.UT") - ut).isEqualTo(1);
        } finally {
            slow.release();
        }
    }

    @Test
    void anUpstreamThatHangsUpBeforeAnsweringIsUc() throws IOException {
        long uc = stat("http.ingress.rs_flag.UC");
        Http1Client.Response response = get("hangup.example.com", "/hangup/1");
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.header("x-weft-response-flags")).isEqualTo("UC");
        assertThat(response.body()).endsWith("reset reason: connection termination");
        assertThat(loggedFlags("/hangup/1", 503)).isEqualTo("UC");
        assertThat(stat("cluster.hangup.upstream_rq_rx_reset")).isPositive();
        assertThat(stat("http.ingress.rs_flag.UC") - uc).isEqualTo(1);
    }

    @Test
    void aClientThatLeavesBeforeTheResponseIsLoggedDc() throws Exception {
        left.holdRequests();
        try {
            Socket client = new Socket();
            client.connect(under.listener("ingress"), 2_000);
            client.getOutputStream().write("GET /left/1 HTTP/1.1\r\nHost: left.example.com\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            Await.until("request at the backend", WAIT, () -> left.requests() == 1);
            client.setSoLinger(true, 0); // a reset: the proxy sees the connection go at once
            client.close();
            Await.until("downstream connection gone", WAIT, () -> under.proxy.downstreamConnections() == 0);
            left.release();
            // Envoy logs response code 0 and DC when the client went away before the response.
            assertThat(loggedFlags("/left/1", 0)).isEqualTo("DC");
            assertThat(stat("http.ingress.downstream_cx_destroy_remote_active_rq")).isEqualTo(1);
        } finally {
            left.release();
        }
    }
}
