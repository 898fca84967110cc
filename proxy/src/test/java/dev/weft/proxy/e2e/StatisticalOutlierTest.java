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
 * Outlier ejection by the sweep's statistics (Envoy's success rate and failure percentage) through
 * real sockets: good hosts and one answering 503 to everything behind one cluster, consecutive-error
 * ejection not enforced, so only the rule under test can eject the bad host.
 */
class StatisticalOutlierTest {

    private static final String NODE_ID = "router~127.0.0.1~outlier-1.weft-system~weft-system.svc.cluster.local";

    /**
     * Five hosts: success rate (Envoy's defaults: 1.9 standard deviations under the mean, at least 5
     * hosts with the request volume) ejects the one at 0% against four at 100%: 80 - 1.9 x 40 = 4.
     */
    @Test
    void aHostWhoseSuccessRateIsAnOutlierIsEjected() throws IOException {
        OutlierDetection detection = statisticsOnly()
                .setSuccessRateRequestVolume(UInt32Value.of(20))
                .build();
        ejectsTheBadHost("sr", detection, 4, "success_rate");
    }

    /**
     * Two hosts: too few for success rate (which compares hosts with each other, and needs five); only
     * failure percentage (100 % 5xx over the threshold of 85 %, two hosts at the request volume) acts.
     */
    @Test
    void aHostWhoseFailurePercentageReachesTheThresholdIsEjected() throws IOException {
        OutlierDetection detection = statisticsOnly()
                .setEnforcingSuccessRate(UInt32Value.of(100))
                .setEnforcingFailurePercentage(UInt32Value.of(100))
                .setFailurePercentageMinimumHosts(UInt32Value.of(2))
                .setFailurePercentageRequestVolume(UInt32Value.of(20))
                .build();
        ejectsTheBadHost("fp", detection, 1, "failure_percentage");
    }

    private static OutlierDetection.Builder statisticsOnly() {
        return OutlierDetection.newBuilder()
                .setConsecutive5Xx(UInt32Value.of(5))
                .setEnforcingConsecutive5Xx(UInt32Value.of(0))
                .setInterval(com.google.protobuf.Duration.newBuilder().setSeconds(2))
                .setBaseEjectionTime(com.google.protobuf.Duration.newBuilder().setSeconds(60))
                .setMaxEjectionPercent(UInt32Value.of(50));
    }

    /**
     * Sends batches (30 per host, over the request volume of 20) until a sweep ejects the bad host,
     * then checks that only {@code rule} ejected it and that every request now lands on a good host.
     */
    private static void ejectsTheBadHost(String cluster, OutlierDetection detection, int goodHosts, String rule)
            throws IOException {
        List<ScriptedBackend> good = new ArrayList<>();
        ScriptedBackend bad = ScriptedBackend.always("bad", 503);
        try {
            for (int i = 0; i < goodHosts; i++) {
                good.add(ScriptedBackend.always("good" + i, 200));
            }
            int[] ports = new int[goodHosts + 1];
            for (int i = 0; i < goodHosts; i++) {
                ports[i] = good.get(i).port();
            }
            ports[goodHosts] = bad.port();
            MutableSource source = new MutableSource()
                    .put(CLUSTER, cluster, Any.pack(Envoy.edsCluster(cluster).unpack(Cluster.class).toBuilder()
                            .setOutlierDetection(detection).build()))
                    .put(ENDPOINT, cluster, Envoy.endpoints(cluster, ports))
                    .put(ROUTE, "routes", Any.pack(RouteConfiguration.newBuilder().setName("routes")
                            .addVirtualHosts(Envoy.virtualHost(cluster, "*").addRoutes(Envoy.toCluster("/", cluster)))
                            .build()))
                    .put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, "routes"));
            String host = cluster + ".example.com";
            String badHost = cluster + "::127.0.0.1:" + bad.port() + "::health_flags::/failed_outlier_check";
            try (ProxyUnderTest under = new ProxyUnderTest(source, NODE_ID);
                    Http1Client client = new Http1Client(under.listener("ingress"))) {
                long deadline = System.nanoTime() + ProxyUnderTest.WAIT.toNanos();
                while (!Admin.get(under.proxy.adminPort(), "/clusters").body().contains(badHost)) {
                    assertThat(System.nanoTime()).as("bad host ejected within %s", ProxyUnderTest.WAIT)
                            .isLessThan(deadline);
                    for (int i = 0; i < 30 * ports.length; i++) {
                        client.get(host, "/" + cluster);
                    }
                }
                String stats = "cluster." + cluster + ".outlier_detection.";
                for (String other : List.of("success_rate", "failure_percentage", "consecutive_5xx")) {
                    assertThat(under.stat(stats + "ejections_enforced_" + other)).as(other)
                            .isEqualTo(other.equals(rule) ? 1 : 0);
                }
                assertThat(under.stat(stats + "ejections_detected_" + rule)).isPositive();
                assertThat(under.stat(stats + "ejections_active")).isEqualTo(1);
                int badBefore = bad.requests();
                for (int i = 0; i < 20 * goodHosts; i++) {
                    Http1Client.Response response = client.get(host, "/after");
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.body()).startsWith("good");
                }
                assertThat(bad.requests()).isEqualTo(badBefore);
            }
        } finally {
            good.forEach(ScriptedBackend::close);
            bad.close();
        }
    }
}
