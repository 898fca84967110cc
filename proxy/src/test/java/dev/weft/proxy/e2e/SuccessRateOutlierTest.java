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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Success-rate outlier ejection through real sockets: five hosts behind one cluster, one of them
 * answering 503 to everything. Consecutive-error ejection is not enforced, so only the success-rate
 * rule (Envoy's defaults: 1.9 standard deviations under the mean, at least 5 hosts with the request
 * volume) can eject it: 0% against four hosts at 100% is under the threshold (80 - 1.9 x 40 = 4).
 */
class SuccessRateOutlierTest {

    private static final String NODE_ID = "router~127.0.0.1~sr-1.weft-system~weft-system.svc.cluster.local";

    @Test
    void aHostWhoseSuccessRateIsAnOutlierIsEjected() throws IOException {
        List<ScriptedBackend> good = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            good.add(ScriptedBackend.always("good" + i, 200));
        }
        ScriptedBackend bad = ScriptedBackend.always("bad", 503);
        int[] ports = {good.get(0).port(), good.get(1).port(), good.get(2).port(), good.get(3).port(), bad.port()};
        OutlierDetection detection = OutlierDetection.newBuilder()
                .setConsecutive5Xx(UInt32Value.of(5))
                .setEnforcingConsecutive5Xx(UInt32Value.of(0))
                .setInterval(com.google.protobuf.Duration.newBuilder().setSeconds(2))
                .setBaseEjectionTime(com.google.protobuf.Duration.newBuilder().setSeconds(60))
                .setMaxEjectionPercent(UInt32Value.of(50))
                .setSuccessRateRequestVolume(UInt32Value.of(20))
                .build();
        MutableSource source = new MutableSource()
                .put(CLUSTER, "sr", Any.pack(Envoy.edsCluster("sr").unpack(Cluster.class).toBuilder()
                        .setOutlierDetection(detection).build()))
                .put(ENDPOINT, "sr", Envoy.endpoints("sr", ports))
                .put(ROUTE, "routes", Any.pack(RouteConfiguration.newBuilder().setName("routes")
                        .addVirtualHosts(Envoy.virtualHost("sr", "*").addRoutes(Envoy.toCluster("/", "sr"))).build()))
                .put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, "routes"));
        String badHost = "sr::127.0.0.1:" + bad.port() + "::health_flags::/failed_outlier_check";
        try (ProxyUnderTest under = new ProxyUnderTest(source, NODE_ID);
                Http1Client client = new Http1Client(under.listener("ingress"))) {
            // Batches of 150 (30 per host, over the volume of 20) until a sweep has judged one.
            long deadline = System.nanoTime() + ProxyUnderTest.WAIT.toNanos();
            while (!Admin.get(under.proxy.adminPort(), "/clusters").body().contains(badHost)) {
                assertThat(System.nanoTime()).as("bad host ejected within %s", ProxyUnderTest.WAIT)
                        .isLessThan(deadline);
                for (int i = 0; i < 150; i++) {
                    client.get("sr.example.com", "/sr");
                }
            }
            assertThat(under.stat("cluster.sr.outlier_detection.ejections_enforced_success_rate")).isEqualTo(1);
            assertThat(under.stat("cluster.sr.outlier_detection.ejections_detected_success_rate")).isPositive();
            assertThat(under.stat("cluster.sr.outlier_detection.ejections_enforced_consecutive_5xx")).isZero();
            assertThat(under.stat("cluster.sr.outlier_detection.ejections_active")).isEqualTo(1);
            // Ejected: every request now lands on a good host.
            int badBefore = bad.requests();
            for (int i = 0; i < 40; i++) {
                Http1Client.Response response = client.get("sr.example.com", "/after");
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).startsWith("good");
            }
            assertThat(bad.requests()).isEqualTo(badBefore);
        } finally {
            good.forEach(ScriptedBackend::close);
            bad.close();
        }
    }
}
