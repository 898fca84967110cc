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

    @Test
    void alwaysEjectOneHostEjectsOneWhereTheDefaultPercentWouldEjectNone() {
        // Two hosts and Envoy's default 10%: one ejection would be 50% of the cluster, so none happens
        // unless always_eject_one_host; then exactly one, never a second.
        List<UpstreamHost> hosts = hosts(2);
        OutlierDetector strict = detector(hosts, 10, 0);
        hosts.forEach(host -> { for (int i = 0; i < 3; i++) { strict.report(host, 500); } });
        assertThat(hosts.stream().filter(UpstreamHost::ejected)).isEmpty();

        List<UpstreamHost> others = hosts(2);
        OutlierDetector oneAlways = new OutlierDetector(new OutlierDetectionConfig(3, 100, 2, 0, Duration.ofSeconds(1),
                Duration.ofSeconds(10), Duration.ofSeconds(300), 10, OutlierDetectionConfig.SuccessRate.OFF,
                OutlierDetectionConfig.FailurePercentage.OFF, true), "d", () -> others, stats, now::get);
        others.forEach(host -> { for (int i = 0; i < 3; i++) { oneAlways.report(host, 500); } });
        assertThat(others.stream().filter(UpstreamHost::ejected)).hasSize(1);
        assertThat(stats.get("cluster.d.outlier_detection.ejections_overflow")).isEqualTo(1);
    }

    private OutlierDetector successRateDetector(List<UpstreamHost> hosts, int minimumHosts, int volume) {
        return new OutlierDetector(new OutlierDetectionConfig(1000, 0, 1000, 0, Duration.ofSeconds(1),
                Duration.ofSeconds(10), Duration.ofSeconds(300), 100,
                new OutlierDetectionConfig.SuccessRate(minimumHosts, volume, 1900, 100)), "c", () -> hosts, stats,
                now::get);
    }

    /** {@code successes} of {@code total} answers on a host. */
    private static void answers(OutlierDetector detector, UpstreamHost host, int total, int successes) {
        for (int i = 0; i < total; i++) {
            detector.report(host, i < successes ? 200 : 503);
        }
    }

    @Test
    void successRateEjectsAHostBelowMeanMinusStdevFactorTimesStdev() {
        List<UpstreamHost> hosts = hosts(5);
        OutlierDetector detector = successRateDetector(hosts, 5, 100);
        for (int i = 0; i < 4; i++) {
            answers(detector, hosts.get(i), 100, 99);
        }
        // 99, 99, 99, 99 and 90: mean 97.2, stdev 3.6, threshold 97.2 - 1.9 x 3.6 = 90.36.
        answers(detector, hosts.get(4), 100, 90);
        advance(Duration.ofSeconds(1));
        detector.sweep();
        assertThat(hosts.get(4).ejected()).isTrue();
        assertThat(hosts.subList(0, 4)).noneMatch(UpstreamHost::ejected);
        assertThat(stats.get("cluster.c.outlier_detection.ejections_enforced_success_rate")).isEqualTo(1);

        // The next interval starts from zero: one more sweep without traffic ejects nobody else.
        detector.sweep();
        assertThat(stats.get("cluster.c.outlier_detection.ejections_detected_success_rate")).isEqualTo(1);
    }

    @Test
    void successRateNeedsTheRequestVolumeAndTheMinimumNumberOfHosts() {
        List<UpstreamHost> hosts = hosts(5);
        OutlierDetector detector = successRateDetector(hosts, 5, 100);
        for (int i = 0; i < 4; i++) {
            answers(detector, hosts.get(i), 100, 100);
        }
        // 99 requests: under the volume, so only 4 hosts count, fewer than the minimum of 5.
        answers(detector, hosts.get(4), 99, 0);
        detector.sweep();
        assertThat(hosts).noneMatch(UpstreamHost::ejected);

        // 91 and 90 are both within 1.9 standard deviations: no outlier.
        for (int i = 0; i < 4; i++) {
            answers(detector, hosts.get(i), 100, i % 2 == 0 ? 91 : 90);
        }
        answers(detector, hosts.get(4), 100, 90);
        detector.sweep();
        assertThat(hosts).noneMatch(UpstreamHost::ejected);
        assertThat(stats.get("cluster.c.outlier_detection.ejections_detected_success_rate")).isZero();
    }

    private OutlierDetector failurePercentageDetector(List<UpstreamHost> hosts, int threshold, int minimumHosts,
            int volume, int enforcing) {
        return new OutlierDetector(new OutlierDetectionConfig(1000, 0, 1000, 0, Duration.ofSeconds(1),
                Duration.ofSeconds(10), Duration.ofSeconds(300), 100, OutlierDetectionConfig.SuccessRate.OFF,
                new OutlierDetectionConfig.FailurePercentage(threshold, minimumHosts, volume, enforcing)),
                "c", () -> hosts, stats, now::get);
    }

    @Test
    void failurePercentageEjectsAHostAtOrOverTheThresholdWhateverTheOthersDo() {
        List<UpstreamHost> hosts = hosts(3);
        OutlierDetector detector = failurePercentageDetector(hosts, 85, 3, 50, 100);
        // 85 % failures: at the threshold, ejected; 84 % is not; the whole cluster could fail alike
        // (success rate, comparing hosts, would see no outlier).
        answers(detector, hosts.get(0), 100, 15);
        answers(detector, hosts.get(1), 100, 16);
        answers(detector, hosts.get(2), 100, 100);
        detector.sweep();
        assertThat(hosts.get(0).ejected()).isTrue();
        assertThat(hosts.get(1).ejected()).isFalse();
        assertThat(hosts.get(2).ejected()).isFalse();
        assertThat(stats.get("cluster.c.outlier_detection.ejections_detected_failure_percentage")).isEqualTo(1);
        assertThat(stats.get("cluster.c.outlier_detection.ejections_enforced_failure_percentage")).isEqualTo(1);
        assertThat(stats.get("cluster.c.outlier_detection.ejections_enforced_success_rate")).isZero();
    }

    @Test
    void failurePercentageNeedsTheRequestVolumeAndTheMinimumNumberOfHostsAndIsEnforcedAsConfigured() {
        List<UpstreamHost> hosts = hosts(3);
        OutlierDetector detector = failurePercentageDetector(hosts, 50, 3, 50, 100);
        // Host 2 under the volume: only two hosts count, fewer than the minimum of 3.
        answers(detector, hosts.get(0), 50, 0);
        answers(detector, hosts.get(1), 50, 50);
        answers(detector, hosts.get(2), 49, 49);
        detector.sweep();
        assertThat(hosts).noneMatch(UpstreamHost::ejected);
        assertThat(stats.get("cluster.c.outlier_detection.ejections_detected_failure_percentage")).isZero();

        // Detected but not enforced (enforcing_failure_percentage 0, Envoy's default): counted only.
        OutlierDetector notEnforced = failurePercentageDetector(hosts, 50, 3, 50, 0);
        for (UpstreamHost host : hosts) {
            answers(notEnforced, host, 50, 0);
        }
        notEnforced.sweep();
        assertThat(hosts).noneMatch(UpstreamHost::ejected);
        assertThat(stats.get("cluster.c.outlier_detection.ejections_detected_failure_percentage")).isEqualTo(3);
        assertThat(stats.get("cluster.c.outlier_detection.ejections_enforced_failure_percentage")).isZero();
    }
}
