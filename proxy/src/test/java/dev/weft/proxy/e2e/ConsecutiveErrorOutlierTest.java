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
 * Outlier ejection on consecutive errors through real sockets, the kinds and the cap that
 * {@code RoutingAndResilienceEndToEndTest} (consecutive 5xx) does not: consecutive gateway errors
 * (502/503/504) enforced while consecutive 5xx is only detected, so a host answering 500 stays and
 * one answering 502 goes; and max_ejection_percent holding back the ejection that would cross it.
 */
class ConsecutiveErrorOutlierTest {

    private static final String NODE_ID = "router~127.0.0.1~outlier-2.weft-system~weft-system.svc.cluster.local";

    private static Any cluster(String name, OutlierDetection detection) {
        return Any.pack(Cluster.newBuilder().setName(name)
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(Envoy.ADS))
                .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(1))
                .setOutlierDetection(detection)
                .build());
    }

    private static OutlierDetection.Builder longEjections() {
        return OutlierDetection.newBuilder()
                .setInterval(com.google.protobuf.Duration.newBuilder().setNanos(200_000_000))
                .setBaseEjectionTime(com.google.protobuf.Duration.newBuilder().setSeconds(120));
    }

    private static ProxyUnderTest proxy(String cluster, Any clusterConfig, List<ScriptedBackend> hosts) {
        MutableSource source = new MutableSource()
                .put(CLUSTER, cluster, clusterConfig)
                .put(ENDPOINT, cluster, Envoy.endpoints(cluster, hosts.stream().mapToInt(ScriptedBackend::port).toArray()))
                .put(LISTENER, "ingress", Envoy.httpListener("ingress", 0, "routes"))
                .put(ROUTE, "routes", Any.pack(RouteConfiguration.newBuilder().setName("routes")
                        .addVirtualHosts(Envoy.virtualHost(cluster, cluster + ".example.com")
                                .addRoutes(Envoy.toCluster("/", cluster)))
                        .build()));
        return new ProxyUnderTest(source, NODE_ID);
    }

    private static String hostLine(String cluster, ScriptedBackend host) {
        return cluster + "::127.0.0.1:" + host.port() + "::health_flags::";
    }

    @Test
    void consecutiveGatewayErrorsEjectAHostWhileOtherFiveHundredsOnlyCountAsDetected() throws IOException {
        List<ScriptedBackend> hosts = List.of(ScriptedBackend.always("gateway", 502),
                ScriptedBackend.always("plain", 500), ScriptedBackend.always("good", 200));
        OutlierDetection detection = longEjections()
                .setConsecutive5Xx(UInt32Value.of(3)).setEnforcingConsecutive5Xx(UInt32Value.of(0))
                .setConsecutiveGatewayFailure(UInt32Value.of(3))
                .setEnforcingConsecutiveGatewayFailure(UInt32Value.of(100))
                .setMaxEjectionPercent(UInt32Value.of(100))
                .build();
        try (ProxyUnderTest under = proxy("gw", cluster("gw", detection), hosts);
                Http1Client client = new Http1Client(under.listener("ingress"))) {
            // Round robin: each host gets every third request; 3 in a row from each.
            for (int i = 0; i < 9; i++) {
                client.get("gw.example.com", "/" + i);
            }
            Await.until("the 502 host ejected", ProxyUnderTest.WAIT, () -> Admin.get(under.proxy.adminPort(),
                    "/clusters").body().contains(hostLine("gw", hosts.get(0)) + "/failed_outlier_check"));
            assertThat(under.stat("cluster.gw.outlier_detection.ejections_enforced_consecutive_gateway_failure"))
                    .isEqualTo(1);
            assertThat(under.stat("cluster.gw.outlier_detection.ejections_detected_consecutive_5xx")).isPositive();
            assertThat(under.stat("cluster.gw.outlier_detection.ejections_enforced_consecutive_5xx")).isZero();
            assertThat(Admin.get(under.proxy.adminPort(), "/clusters").body())
                    .contains(hostLine("gw", hosts.get(1)) + "healthy");
            int gatewayBefore = hosts.get(0).requests();
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                statuses.add(client.get("gw.example.com", "/after" + i).status());
            }
            assertThat(hosts.get(0).requests()).as("requests to the ejected host").isEqualTo(gatewayBefore);
            assertThat(statuses).containsOnly(500, 200).contains(500, 200);
        } finally {
            hosts.forEach(ScriptedBackend::close);
        }
    }

    @Test
    void maxEjectionPercentKeepsTheHostsAnEjectionWouldTakeOverIt() throws IOException {
        List<ScriptedBackend> hosts = List.of(ScriptedBackend.always("bad1", 503), ScriptedBackend.always("bad2", 503),
                ScriptedBackend.always("bad3", 503), ScriptedBackend.always("good", 200));
        OutlierDetection detection = longEjections()
                .setConsecutive5Xx(UInt32Value.of(2))
                .setMaxEjectionPercent(UInt32Value.of(50))
                .build();
        try (ProxyUnderTest under = proxy("cap", cluster("cap", detection), hosts);
                Http1Client client = new Http1Client(under.listener("ingress"))) {
            // Each bad host fails twice in a row within 20 requests; a third ejection would make 75%.
            for (int i = 0; i < 20; i++) {
                client.get("cap.example.com", "/" + i);
            }
            Await.until("two hosts ejected", ProxyUnderTest.WAIT,
                    () -> under.stat("cluster.cap.outlier_detection.ejections_active") == 2);
            Await.until("the third refused", ProxyUnderTest.WAIT,
                    () -> under.stat("cluster.cap.outlier_detection.ejections_overflow") >= 1);
            String clusters = Admin.get(under.proxy.adminPort(), "/clusters").body();
            long ejected = hosts.subList(0, 3).stream()
                    .filter(host -> clusters.contains(hostLine("cap", host) + "/failed_outlier_check")).count();
            assertThat(ejected).isEqualTo(2);
            assertThat(clusters).contains(hostLine("cap", hosts.get(3)) + "healthy");
            // The two hosts left share the traffic: the bad one not ejected and the good one.
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                statuses.add(client.get("cap.example.com", "/after" + i).status());
            }
            assertThat(statuses).contains(503, 200);
            assertThat(under.stat("cluster.cap.outlier_detection.ejections_active")).isEqualTo(2);
        } finally {
            hosts.forEach(ScriptedBackend::close);
        }
    }
}
