package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Failure-percentage outlier ejection through real sockets: two hosts behind one cluster, one of
 * them answering 503 to everything. Too few hosts for success rate (which compares hosts with each
 * other, and needs five), consecutive errors not enforced: only failure percentage (100 % 5xx over
 * the threshold of 85 %, with two hosts at the request volume) can eject it.
 */
class FailurePercentageOutlierTest {

    private static final String NODE_ID = "router~127.0.0.1~fp-1.weft-system~weft-system.svc.cluster.local";

    @Test
    void aHostWhoseFailurePercentageReachesTheThresholdIsEjected() throws IOException {
        ScriptedBackend good = ScriptedBackend.always("good", 200);
        ScriptedBackend bad = ScriptedBackend.always("bad", 503);
        OutlierDetection detection = OutlierDetection.newBuilder()
                .setConsecutive5Xx(UInt32Value.of(5))
                .setEnforcingConsecutive5Xx(UInt32Value.of(0))
                .setEnforcingSuccessRate(UInt32Value.of(100))
                .setInterval(com.google.protobuf.Duration.newBuilder().setSeconds(2))
                .setBaseEjectionTime(com.google.protobuf.Duration.newBuilder().setSeconds(60))
                .setMaxEjectionPercent(UInt32Value.of(50))
                .setEnforcingFailurePercentage(UInt32Value.of(100))
                .setFailurePercentageMinimumHosts(UInt32Value.of(2))
                .setFailurePercentageRequestVolume(UInt32Value.of(20))
                .build();
        MutableSource source = new MutableSource()
                .put(CLUSTER, "fp", Any.pack(Envoy.edsCluster("fp").unpack(Cluster.class).toBuilder()
                        .setOutlierDetection(detection).build()))
                .put(ENDPOINT, "fp", Envoy.endpoints("fp", good.port(), bad.port()))
                .put(ROUTE, "routes", Any.pack(RouteConfiguration.newBuilder().setName("routes")
                        .addVirtualHosts(Envoy.virtualHost("fp", "*").addRoutes(Envoy.toCluster("/", "fp"))).build()))
                .put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, "routes"));
        String badHost = "fp::127.0.0.1:" + bad.port() + "::health_flags::/failed_outlier_check";
        try (ProxyUnderTest under = new ProxyUnderTest(source, NODE_ID);
                Http1Client client = new Http1Client(under.listener("ingress"))) {
            // Batches of 60 (30 per host, over the volume of 20) until a sweep has judged them.
            long deadline = System.nanoTime() + ProxyUnderTest.WAIT.toNanos();
            while (!Admin.get(under.proxy.adminPort(), "/clusters").body().contains(badHost)) {
                assertThat(System.nanoTime()).as("bad host ejected within %s", ProxyUnderTest.WAIT)
                        .isLessThan(deadline);
                for (int i = 0; i < 60; i++) {
                    client.get("fp.example.com", "/fp");
                }
            }
            assertThat(under.stat("cluster.fp.outlier_detection.ejections_enforced_failure_percentage")).isEqualTo(1);
            assertThat(under.stat("cluster.fp.outlier_detection.ejections_enforced_success_rate")).isZero();
            assertThat(under.stat("cluster.fp.outlier_detection.ejections_enforced_consecutive_5xx")).isZero();
            assertThat(under.stat("cluster.fp.outlier_detection.ejections_active")).isEqualTo(1);
            // Ejected: every request now lands on the good host.
            int badBefore = bad.requests();
            for (int i = 0; i < 20; i++) {
                Http1Client.Response response = client.get("fp.example.com", "/after");
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).startsWith("good");
            }
            assertThat(bad.requests()).isEqualTo(badBefore);
        } finally {
            good.close();
            bad.close();
        }
    }
}
