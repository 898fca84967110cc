package dev.weft.proxy.config;

import java.time.Duration;
import java.util.List;

/**
 * Envoy's {@code TcpProxy} network filter.
 *
 * @param statPrefix         prefix of its stats ({@code tcp.<prefix>.*})
 * @param clusters           the cluster, or {@code weighted_clusters} (one entry of weight 1 for {@code cluster})
 * @param idleTimeout        {@code idle_timeout} (Envoy's default 1 h); zero = none
 * @param maxConnectAttempts {@code max_connect_attempts} (default 1)
 */
public record TcpProxyConfig(String statPrefix, List<WeightedCluster> clusters, Duration idleTimeout,
        int maxConnectAttempts) implements NetworkFilterConfig {

    public TcpProxyConfig {
        clusters = List.copyOf(clusters);
    }

    /** One cluster of {@code weighted_clusters}. */
    public record WeightedCluster(String name, int weight) {
    }

    public int totalWeight() {
        return clusters.stream().mapToInt(WeightedCluster::weight).sum();
    }
}
