package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 4, "health of endpoints from EDS" and "least request with power of two choices", through
 * the real proxy fed by a real xDS server: which backend a request reaches follows the health status
 * EDS gives each endpoint (Envoy: HEALTHY and UNKNOWN serve, DEGRADED only when nothing healthy is
 * left, UNHEALTHY, DRAINING and TIMEOUT never), updated by each EDS push; and LEAST_REQUEST sends a
 * request to the host with fewer requests in flight.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointHealthAndLeastRequestTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NODE_ID = "router~127.0.0.1~health-1.weft-system~weft-system.svc.cluster.local";

    private final ScriptedBackend healthy = ScriptedBackend.always("healthy", 200);
    private final ScriptedBackend unknown = ScriptedBackend.always("unknown", 200);
    private final ScriptedBackend unhealthy = ScriptedBackend.always("unhealthy", 200);
    private final ScriptedBackend draining = ScriptedBackend.always("draining", 200);
    private final ScriptedBackend timeout = ScriptedBackend.always("timeout", 200);
    private final ScriptedBackend degraded = ScriptedBackend.always("degraded", 200);
    private final ScriptedBackend busy = ScriptedBackend.always("busy", 200);
    private final ScriptedBackend idle = ScriptedBackend.always("idle", 200);
    private final ExecutorService senders = Executors.newFixedThreadPool(4);
    private ProxyUnderTest under;

    @BeforeAll
    void start() {
        MutableSource source = new MutableSource()
                // Panic mode off (Envoy's default 50% would route to every host once too few are healthy).
                .put(CLUSTER, "health", Any.pack(Cluster.newBuilder().setName("health")
                        .setType(Cluster.DiscoveryType.EDS)
                        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(Envoy.ADS))
                        .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(1))
                        .setCommonLbConfig(Cluster.CommonLbConfig.newBuilder()
                                .setHealthyPanicThreshold(io.envoyproxy.envoy.type.v3.Percent.newBuilder().setValue(0)))
                        .build()))
                .put(ENDPOINT, "health", endpoints("health", Map.of(healthy, HealthStatus.HEALTHY,
                        unknown, HealthStatus.UNKNOWN, unhealthy, HealthStatus.UNHEALTHY, draining, HealthStatus.DRAINING,
                        timeout, HealthStatus.TIMEOUT, degraded, HealthStatus.DEGRADED)))
                .put(CLUSTER, "least", Any.pack(Cluster.newBuilder().setName("least")
                        .setType(Cluster.DiscoveryType.EDS)
                        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(Envoy.ADS))
                        .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(1))
                        .setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST)
                        .build()))
                .put(ENDPOINT, "least", Envoy.endpoints("least", busy.port(), idle.port()))
                .put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, "routes"))
                .put(ROUTE, "routes", Any.pack(RouteConfiguration.newBuilder().setName("routes")
                        .addVirtualHosts(Envoy.virtualHost("health", "health.example.com")
                                .addRoutes(Envoy.toCluster("/", "health")))
                        .addVirtualHosts(Envoy.virtualHost("least", "least.example.com")
                                .addRoutes(Envoy.toCluster("/", "least")))
                        .build()));
        under = new ProxyUnderTest(source, NODE_ID);
    }

    @AfterAll
    void stop() {
        busy.release();
        if (under != null) {
            under.close();
        }
        senders.shutdownNow();
        for (ScriptedBackend backend : List.of(healthy, unknown, unhealthy, draining, timeout, degraded, busy, idle)) {
            backend.close();
        }
    }

    private static Any endpoints(String cluster, Map<ScriptedBackend, HealthStatus> statuses) {
        LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder();
        statuses.forEach((backend, status) -> locality.addLbEndpoints(LbEndpoint.newBuilder()
                .setHealthStatus(status)
                .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder().setSocketAddress(
                        SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(backend.port()))))));
        return Any.pack(ClusterLoadAssignment.newBuilder().setClusterName(cluster).addEndpoints(locality).build());
    }

    private Http1Client.Response get(String host, String path) throws IOException {
        try (Http1Client client = new Http1Client(under.listener("ingress"))) {
            return client.get(host, path);
        }
    }

    /**
     * An EDS push reaches each event loop of the proxy on its own (as in Envoy's workers): waits
     * until a batch of new connections, spread over the loops, all see it.
     */
    private void awaitEveryLoopSees(String what, java.util.function.Predicate<Http1Client.Response> seen) {
        Await.until(what, WAIT, () -> {
            try {
                for (int i = 0; i < 6; i++) {
                    if (!seen.test(get("health.example.com", "/probe"))) {
                        return false;
                    }
                }
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private int total(ScriptedBackend... backends) {
        int sum = 0;
        for (ScriptedBackend backend : backends) {
            sum += backend.requests();
        }
        return sum;
    }

    @Test
    void onlyEndpointsEdsCallsHealthyServeAndEachEdsPushMovesTraffic() throws IOException {
        for (int i = 0; i < 20; i++) {
            assertThat(get("health.example.com", "/h" + i).status()).isEqualTo(200);
        }
        assertThat(healthy.requests()).as("HEALTHY").isPositive();
        assertThat(unknown.requests()).as("UNKNOWN").isPositive();
        assertThat(healthy.requests() + unknown.requests()).isEqualTo(20);
        assertThat(total(unhealthy, draining, timeout, degraded)).as("UNHEALTHY, DRAINING, TIMEOUT, DEGRADED").isZero();

        // EDS takes the healthy ones out: the degraded endpoint is all that is left, so it serves.
        under.push(ENDPOINT, "health", endpoints("health", Map.of(healthy, HealthStatus.DRAINING,
                unknown, HealthStatus.UNHEALTHY, unhealthy, HealthStatus.UNHEALTHY, degraded, HealthStatus.DEGRADED)));
        awaitEveryLoopSees("the degraded endpoint serves", response -> response.body().startsWith("degraded"));
        int before = healthy.requests() + unknown.requests();
        for (int i = 0; i < 10; i++) {
            assertThat(get("health.example.com", "/d" + i).body()).isEqualTo("degraded /d" + i);
        }
        assertThat(healthy.requests() + unknown.requests()).isEqualTo(before);

        // Nothing healthy or degraded: no healthy upstream, as Envoy says it.
        under.push(ENDPOINT, "health", endpoints("health", Map.of(healthy, HealthStatus.UNHEALTHY,
                degraded, HealthStatus.TIMEOUT)));
        awaitEveryLoopSees("no healthy upstream", response -> response.status() == 503);
        Http1Client.Response none = get("health.example.com", "/none");
        assertThat(none.header("x-weft-response-flags")).isEqualTo("UH");
        assertThat(none.body()).isEqualTo("no healthy upstream");

        // Healthy again.
        under.push(ENDPOINT, "health", endpoints("health", Map.of(healthy, HealthStatus.HEALTHY,
                degraded, HealthStatus.DEGRADED)));
        awaitEveryLoopSees("the healthy endpoint back", response -> response.body().startsWith("healthy"));
        int degradedBefore = degraded.requests();
        for (int i = 0; i < 10; i++) {
            assertThat(get("health.example.com", "/b" + i).body()).isEqualTo("healthy /b" + i);
        }
        assertThat(degraded.requests()).isEqualTo(degradedBefore);
    }

    @Test
    void leastRequestSendsToTheHostWithFewerRequestsInFlight() throws Exception {
        busy.holdRequests();
        try {
            // Requests until one is held at "busy" (with two hosts, each may go to either at first).
            // Sent on a socket that waits up to 60 s: the held request must stay in flight throughout.
            List<CompletableFuture<RawExchange.Result>> held = new java.util.ArrayList<>();
            for (int i = 0; i < 20 && busy.requests() == 0; i++) {
                String path = "/first" + i;
                held.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return RawExchange.send(under.listener("ingress"), ("GET " + path
                                + " HTTP/1.1\r\nHost: least.example.com\r\nConnection: close\r\n\r\n")
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII), 60_000);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, senders));
                Await.until("request " + i + " answered or held", WAIT,
                        () -> busy.requests() == 1 || held.getLast().isDone());
            }
            assertThat(busy.requests()).isEqualTo(1);
            // "busy" has one request in flight, "idle" none: power of two choices over two hosts
            // compares both every time, so every request goes to "idle" (round robin: every other).
            int idleBefore = idle.requests();
            // The client has its answer a moment before the proxy counts the request ended: with
            // "idle" still at 1 in flight the two would tie, and a tie may go to "busy" (as in Envoy).
            String idleActive = "least::127.0.0.1:" + idle.port() + "::rq_active::";
            for (int i = 0; i < 20; i++) {
                Await.until("the last request to idle counted as ended", WAIT,
                        () -> Admin.get(under.proxy.adminPort(), "/clusters").body().contains(idleActive + "0\n"));
                assertThat(get("least.example.com", "/next" + i).body()).isEqualTo("idle /next" + i);
            }
            assertThat(idle.requests() - idleBefore).isEqualTo(20);
            assertThat(busy.requests()).isEqualTo(1);
            busy.release();
            for (CompletableFuture<RawExchange.Result> response : held) {
                assertThat(response.get(60, TimeUnit.SECONDS).statuses()).containsExactly(200);
            }
        } finally {
            busy.release();
        }
    }
}
