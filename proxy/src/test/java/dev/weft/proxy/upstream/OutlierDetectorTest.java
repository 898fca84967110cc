package dev.weft.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.proxy.config.EndpointsConfig.EndpointConfig;
import dev.weft.proxy.config.OutlierDetectionConfig;
import dev.weft.proxy.stats.ProxyStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {

    private final AtomicLong now = new AtomicLong();
    private final ProxyStats stats = new ProxyStats();

    private static List<UpstreamHost> hosts(int count) {
        List<UpstreamHost> hosts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            hosts.add(new UpstreamHost(new EndpointConfig("10.0.0." + i, 80, 1, EndpointConfig.Health.HEALTHY, 0, ""),
                    null));
        }
        return hosts;
    }

    private OutlierDetector detector(List<UpstreamHost> hosts, int maxEjectionPercent, int enforcingGateway) {
        return new OutlierDetector(new OutlierDetectionConfig(3, 100, 2, enforcingGateway, Duration.ofSeconds(1),
                Duration.ofSeconds(10), Duration.ofSeconds(300), maxEjectionPercent), "c", () -> hosts, stats,
                now::get);
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    @Test
    void consecutive5xxEjectsAndASuccessInBetweenStartsCountingAgain() {
        List<UpstreamHost> hosts = hosts(2);
        OutlierDetector detector = detector(hosts, 100, 0);
        UpstreamHost host = hosts.getFirst();
        detector.report(host, 500);
        detector.report(host, 500);
        detector.report(host, 200);
        detector.report(host, 500);
        detector.report(host, 500);
        assertThat(host.ejected()).isFalse();
        detector.report(host, 500);
        assertThat(host.ejected()).isTrue();
        assertThat(stats.get("cluster.c.outlier_detection.ejections_active")).isEqualTo(1);
        assertThat(stats.get("cluster.c.outlier_detection.ejections_enforced_consecutive_5xx")).isEqualTo(1);
    }

    @Test
    void gatewayFailuresAreDetectedButEnforcedOnlyWhenConfigured() {
        List<UpstreamHost> hosts = hosts(2);
        detector(hosts, 100, 0).report(hosts.getFirst(), 503);
        OutlierDetector notEnforced = detector(hosts, 100, 0);
        notEnforced.report(hosts.get(1), 502);
        notEnforced.report(hosts.get(1), 504);
        assertThat(hosts.get(1).ejected()).isFalse();
        assertThat(stats.get("cluster.c.outlier_detection.ejections_detected_consecutive_gateway_failure"))
                .isEqualTo(1);

        List<UpstreamHost> others = hosts(2);
        OutlierDetector enforced = detector(others, 100, 100);
        enforced.report(others.getFirst(), 502);
        enforced.report(others.getFirst(), 504);
        assertThat(others.getFirst().ejected()).isTrue();
    }

    @Test
    void ejectionTimeGrowsWithEachEjectionAndHostsComeBack() {
        List<UpstreamHost> hosts = hosts(2);
        OutlierDetector detector = detector(hosts, 100, 0);
        UpstreamHost host = hosts.getFirst();
        for (int i = 0; i < 3; i++) {
            detector.report(host, 503);
        }
        assertThat(host.ejected()).isTrue();
        advance(Duration.ofSeconds(9));
        detector.sweep();
        assertThat(host.ejected()).isTrue();
        advance(Duration.ofSeconds(1));
        detector.sweep();
        assertThat(host.ejected()).isFalse();

        // Second ejection right away: 2 x base_ejection_time.
        for (int i = 0; i < 3; i++) {
            detector.report(host, 503);
        }
        assertThat(host.ejected()).isTrue();
        advance(Duration.ofSeconds(19));
        detector.sweep();
        assertThat(host.ejected()).isTrue();
        advance(Duration.ofSeconds(1));
        detector.sweep();
        assertThat(host.ejected()).isFalse();
        assertThat(stats.get("cluster.c.outlier_detection.ejections_active")).isZero();
        assertThat(stats.get("cluster.c.outlier_detection.ejections_total")).isEqualTo(2);
    }

    @Test
    void maxEjectionPercentKeepsEnoughHosts() {
        List<UpstreamHost> hosts = hosts(4);
        OutlierDetector detector = detector(hosts, 50, 0);
        for (UpstreamHost host : hosts) {
            for (int i = 0; i < 3; i++) {
                detector.report(host, 500);
            }
        }
        assertThat(hosts.stream().filter(UpstreamHost::ejected)).hasSize(2);
        assertThat(stats.get("cluster.c.outlier_detection.ejections_overflow")).isEqualTo(2);
    }
}
