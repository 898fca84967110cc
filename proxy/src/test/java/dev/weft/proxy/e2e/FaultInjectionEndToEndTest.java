package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 4, "fault injection (delay/abort by percentage)", as Istio's VirtualService fault arrives:
 * Envoy's fault filter configured per route. An abort at 50% aborts about half of the requests
 * (with FI, never reaching the backend) and lets the others through; a delay holds a request for at
 * least its fixed delay and then forwards it; a delay at 50% delays about half. Bounds are six
 * standard deviations of the binomial count wide: the test fails if the percentage is ignored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultInjectionEndToEndTest {

    private static final String NODE_ID = "router~127.0.0.1~fault-1.weft-system~weft-system.svc.cluster.local";
    private static final int REQUESTS = 400;

    private final HttpBackend backend = new HttpBackend("a");
    private ProxyUnderTest under;

    @BeforeAll
    void start() {
        MutableSource source = new MutableSource()
                .put(CLUSTER, "a", Envoy.edsCluster("a"))
                .put(ENDPOINT, "a", Envoy.endpoints("a", backend.port()))
                .put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, "routes"))
                .put(ROUTE, "routes", Any.pack(RouteConfiguration.newBuilder().setName("routes")
                        .addVirtualHosts(Envoy.virtualHost("abort-half", "abort-half.example.com")
                                .addRoutes(withFault(HTTPFault.newBuilder().setAbort(FaultAbort.newBuilder()
                                        .setHttpStatus(503).setPercentage(percent(50))).build())))
                        .addVirtualHosts(Envoy.virtualHost("delay", "delay.example.com")
                                .addRoutes(withFault(HTTPFault.newBuilder().setDelay(delay(300, 100)).build())))
                        .addVirtualHosts(Envoy.virtualHost("delay-half", "delay-half.example.com")
                                .addRoutes(withFault(HTTPFault.newBuilder().setDelay(delay(1, 50)).build())))
                        .build()));
        under = new ProxyUnderTest(source, NODE_ID);
    }

    @AfterAll
    void stop() {
        if (under != null) {
            under.close();
        }
        backend.close();
    }

    private static FractionalPercent percent(int numerator) {
        return FractionalPercent.newBuilder().setNumerator(numerator)
                .setDenominator(FractionalPercent.DenominatorType.HUNDRED).build();
    }

    private static FaultDelay delay(int millis, int percent) {
        return FaultDelay.newBuilder().setFixedDelay(com.google.protobuf.Duration.newBuilder()
                .setNanos(millis * 1_000_000)).setPercentage(percent(percent)).build();
    }

    /** Istio's shape: the route's own fault filter config, replacing the listener's. */
    private static Route withFault(HTTPFault fault) {
        return Envoy.toCluster("/", "a").toBuilder()
                .putTypedPerFilterConfig("envoy.filters.http.fault", Any.pack(fault)).build();
    }

    @Test
    void anAbortAtFiftyPercentAbortsAboutHalfAndTheRestReachTheBackend() throws IOException {
        int backendBefore = backend.requests.get();
        int aborted = 0;
        try (Http1Client client = new Http1Client(under.listener("ingress"))) {
            for (int i = 0; i < REQUESTS; i++) {
                Http1Client.Response response = client.get("abort-half.example.com", "/a" + i);
                if (response.status() == 503) {
                    assertThat(response.header("x-weft-response-flags")).isEqualTo("FI");
                    assertThat(response.body()).isEqualTo("fault filter abort");
                    aborted++;
                } else {
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.body()).isEqualTo("a /a" + i);
                }
            }
        }
        // Binomial(400, 0.5): mean 200, standard deviation 10.
        assertThat(aborted).isBetween(140, 260);
        assertThat(backend.requests.get() - backendBefore).isEqualTo(REQUESTS - aborted);
        assertThat(under.stat("http.ingress.fault.aborts_injected")).isEqualTo(aborted);
    }

    @Test
    void aDelayHoldsTheRequestAtLeastItsFixedDelayThenForwardsIt() throws IOException {
        long before = under.stat("http.ingress.fault.delays_injected");
        int backendBefore = backend.requests.get();
        try (Http1Client client = new Http1Client(under.listener("ingress"))) {
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                Http1Client.Response response = client.get("delay.example.com", "/d" + i);
                long tookMillis = (System.nanoTime() - start) / 1_000_000;
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("a /d" + i);
                assertThat(tookMillis).as("a lower bound only: the delay itself").isGreaterThanOrEqualTo(300);
            }
        }
        assertThat(backend.requests.get() - backendBefore).isEqualTo(3);
        assertThat(under.stat("http.ingress.fault.delays_injected") - before).isEqualTo(3);
    }

    @Test
    void aDelayAtFiftyPercentDelaysAboutHalf() throws IOException {
        long before = under.stat("http.ingress.fault.delays_injected");
        try (Http1Client client = new Http1Client(under.listener("ingress"))) {
            for (int i = 0; i < REQUESTS; i++) {
                assertThat(client.get("delay-half.example.com", "/h" + i).status()).isEqualTo(200);
            }
        }
        assertThat(under.stat("http.ingress.fault.delays_injected") - before).isBetween(140L, 260L);
    }
}
