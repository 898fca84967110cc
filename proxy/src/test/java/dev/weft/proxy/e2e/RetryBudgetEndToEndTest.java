package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.type.v3.Percent;
import com.sun.net.httpserver.HttpServer;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 4, "retries stop at the budget": a cluster's {@code retry_budget} (Envoy's
 * circuit_breakers.thresholds.retry_budget, which replaces max_retries) lets retries in flight be
 * only a share of the cluster's active requests. Forty requests fail at once against a sick service
 * whose route allows five retries each; with a budget of 5% of forty (never below one) at most two
 * retries run, every other request is answered with its upstream's 503 and counted as a retry
 * overflow, and the sick service sees no more than the budget on top of the first attempts. Without
 * the budget Envoy's default max_retries (3) would let three through, and the route alone 200.
 */
class RetryBudgetEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String NODE_ID = "router~127.0.0.1~budget-1.weft-system~weft-system.svc.cluster.local";
    private static final int REQUESTS = 40;

    private final CountDownLatch firstAttemptsFail = new CountDownLatch(1);
    private final CountDownLatch retriesAnswer = new CountDownLatch(1);
    private final AtomicInteger firstAttempts = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();
    private final ExecutorService backendThreads = Executors.newFixedThreadPool(REQUESTS + 8);
    private final ExecutorService clients = Executors.newFixedThreadPool(REQUESTS);
    private HttpServer sick;
    private ProxyUnderTest under;

    @AfterEach
    void stop() {
        firstAttemptsFail.countDown();
        retriesAnswer.countDown();
        if (under != null) {
            under.close();
        }
        if (sick != null) {
            sick.stop(0);
        }
        backendThreads.shutdownNow();
        clients.shutdownNow();
    }

    /**
     * First attempts wait, then answer 503; retries (x-envoy-attempt-count > 1, sent as the virtual
     * host's include_request_attempt_count asks) wait, then answer 200.
     */
    private void startSickService() throws IOException {
        sick = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), REQUESTS * 2);
        sick.setExecutor(backendThreads);
        sick.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            boolean retry = !"1".equals(exchange.getRequestHeaders().getFirst("x-envoy-attempt-count"));
            (retry ? retries : firstAttempts).incrementAndGet();
            try {
                (retry ? retriesAnswer : firstAttemptsFail).await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = (retry ? "retried" : "sick").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(retry ? 200 : 503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        sick.start();
    }

    @Test
    void retriesInFlightStopAtTheBudgetsShareOfActiveRequests() throws Exception {
        startSickService();
        Cluster cluster = Cluster.newBuilder()
                .setName("sick")
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(Envoy.ADS))
                .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(1))
                .setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(CircuitBreakers.Thresholds.newBuilder()
                        .setRetryBudget(CircuitBreakers.Thresholds.RetryBudget.newBuilder()
                                .setBudgetPercent(Percent.newBuilder().setValue(5.0))
                                .setMinRetryConcurrency(UInt32Value.of(1)))))
                .build();
        RetryPolicy retryPolicy = RetryPolicy.newBuilder().setRetryOn("5xx").setNumRetries(UInt32Value.of(5))
                .setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder()
                        .setBaseInterval(com.google.protobuf.Duration.newBuilder().setNanos(5_000_000)))
                .build();
        MutableSource source = new MutableSource()
                .put(CLUSTER, "sick", Any.pack(cluster))
                .put(ENDPOINT, "sick", Envoy.endpoints("sick", sick.getAddress().getPort()))
                .put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, "routes"))
                .put(ROUTE, "routes", Any.pack(RouteConfiguration.newBuilder().setName("routes")
                        .addVirtualHosts(Envoy.virtualHost("sick", "sick.example.com")
                                .setIncludeRequestAttemptCount(true).addRoutes(Route.newBuilder()
                                .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                                .setRoute(RouteAction.newBuilder().setCluster("sick").setRetryPolicy(retryPolicy))))
                        .build()));
        under = new ProxyUnderTest(source, NODE_ID);

        // Raw sockets that wait up to 60 s: every request stays in flight until the test answers it.
        List<CompletableFuture<RawExchange.Result>> responses = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            byte[] request = ("GET /r" + i + " HTTP/1.1\r\nHost: sick.example.com\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            responses.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return RawExchange.send(under.listener("ingress"), request, 60_000);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, clients));
        }
        Await.until("all " + REQUESTS + " first attempts at the sick service", WAIT,
                () -> firstAttempts.get() == REQUESTS);

        // All fail together: each asks for a retry while the others are still active.
        firstAttemptsFail.countDown();
        Await.until("every request retried or refused a retry", WAIT,
                () -> retries.get() + under.stat("cluster.sick.upstream_rq_retry_overflow") == REQUESTS);
        int retried = retries.get();
        // 5% of at most 40 active requests is 2; min_retry_concurrency keeps at least 1.
        assertThat(retried).as("retries admitted by the budget").isBetween(1, 2);
        assertThat(under.stat("cluster.sick.upstream_rq_retry")).isEqualTo(retried);
        assertThat(under.stat("cluster.sick.upstream_rq_retry_overflow")).isEqualTo(REQUESTS - retried);

        retriesAnswer.countDown();
        int ok = 0;
        int unavailable = 0;
        for (CompletableFuture<RawExchange.Result> response : responses) {
            assertThat(response.get(60, TimeUnit.SECONDS).responses()).hasSize(1);
            RawExchange.Response answer = response.get().responses().getFirst();
            if (answer.status() == 200) {
                assertThat(answer.body()).isEqualTo("retried");
                ok++;
            } else {
                assertThat(answer.status()).isEqualTo(503);
                assertThat(answer.body()).isEqualTo("sick");
                unavailable++;
            }
        }
        assertThat(ok).isEqualTo(retried);
        assertThat(unavailable).isEqualTo(REQUESTS - retried);
        assertThat(retries.get()).as("no retry after the budget's overflow").isEqualTo(retried);
        assertThat(firstAttempts.get()).isEqualTo(REQUESTS);
    }
}
