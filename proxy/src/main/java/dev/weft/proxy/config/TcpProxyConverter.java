package dev.weft.proxy.config;

import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code envoy.filters.network.tcp_proxy} to {@link TcpProxyConfig}. */
final class TcpProxyConverter {

    private TcpProxyConverter() {
    }

    static TcpProxyConfig convert(TcpProxy tcp, String field) throws ConversionException {
        if (tcp.getStatPrefix().isEmpty()) {
            throw new ConversionException(field + ".stat_prefix: required");
        }
        Protos.unsupported(tcp.hasTunnelingConfig(), field + ".tunneling_config");
        Protos.unsupported(tcp.hasOnDemand(), field + ".on_demand");
        Protos.unsupported(tcp.hasMetadataMatch(), field + ".metadata_match");
        Protos.unsupported(tcp.getHashPolicyCount() > 0, field + ".hash_policy");
        List<TcpProxyConfig.WeightedCluster> clusters = new ArrayList<>();
        switch (tcp.getClusterSpecifierCase()) {
            case CLUSTER -> {
                if (tcp.getCluster().isEmpty()) {
                    throw new ConversionException(field + ".cluster: must not be empty");
                }
                clusters.add(new TcpProxyConfig.WeightedCluster(tcp.getCluster(), 1));
            }
            case WEIGHTED_CLUSTERS -> {
                var weighted = tcp.getWeightedClusters();
                for (int i = 0; i < weighted.getClustersCount(); i++) {
                    var cluster = weighted.getClusters(i);
                    String clusterField = field + ".weighted_clusters.clusters[" + i + "]";
                    if (cluster.getName().isEmpty()) {
                        throw new ConversionException(clusterField + ".name: must not be empty");
                    }
                    Protos.unsupported(cluster.hasMetadataMatch(), clusterField + ".metadata_match");
                    if (cluster.getWeight() < 0) {
                        throw new ConversionException(clusterField + ".weight: too large");
                    }
                    clusters.add(new TcpProxyConfig.WeightedCluster(cluster.getName(), cluster.getWeight()));
                }
                if (clusters.isEmpty()) {
                    throw new ConversionException(field + ".weighted_clusters.clusters: at least one is required");
                }
                if (clusters.stream().mapToLong(TcpProxyConfig.WeightedCluster::weight).sum() <= 0) {
                    throw new ConversionException(field + ".weighted_clusters: the weights must not all be 0");
                }
            }
            case CLUSTERSPECIFIER_NOT_SET -> throw new ConversionException(field + ": one of cluster or weighted_clusters is required");
        }
        Duration idle = tcp.hasIdleTimeout() ? Protos.duration(tcp.getIdleTimeout()) : Duration.ofHours(1);
        int attempts = tcp.hasMaxConnectAttempts() ? tcp.getMaxConnectAttempts().getValue() : 1;
        if (attempts < 1) {
            throw new ConversionException(field + ".max_connect_attempts: must be at least 1");
        }
        return new TcpProxyConfig(tcp.getStatPrefix(), clusters, idle, attempts);
    }
}
