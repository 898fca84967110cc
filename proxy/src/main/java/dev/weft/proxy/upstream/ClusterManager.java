package dev.weft.proxy.upstream;

import dev.weft.proxy.config.ActiveCluster;
import dev.weft.proxy.net.Transport;
import dev.weft.proxy.stats.ProxyStats;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The upstream clusters of the current configuration. {@link #apply} swaps the whole set at once; a
 * request that already holds a cluster keeps using it (a removed cluster's busy connections finish
 * their request, then close).
 */
public final class ClusterManager {

    private final Transport transport;
    private final ProxyStats stats;
    private volatile Map<String, UpstreamCluster> clusters = Map.of();

    public ClusterManager(Transport transport, ProxyStats stats) {
        this.transport = transport;
        this.stats = stats;
    }

    /** Makes {@code wanted} the cluster set: new clusters created, changed ones rebuilt, gone ones drained. */
    public synchronized void apply(Map<String, ActiveCluster> wanted) {
        Map<String, UpstreamCluster> previous = clusters;
        Map<String, UpstreamCluster> next = new HashMap<>();
        wanted.forEach((name, state) -> {
            UpstreamCluster existing = previous.get(name);
            // A new TLS context (a rotated secret) rebuilds the cluster: new connections use it,
            // the old pools drain.
            UpstreamCluster cluster = existing != null && existing.config().equals(state.config())
                    && existing.tlsContext().equals(state.tls())
                    ? existing : new UpstreamCluster(state.config(), state.tls(), transport, stats);
            cluster.setEndpoints(state.endpoints());
            next.put(name, cluster);
        });
        clusters = Map.copyOf(next);
        previous.forEach((name, cluster) -> {
            if (next.get(name) != cluster) {
                cluster.drain();
            }
        });
    }

    public Optional<UpstreamCluster> cluster(String name) {
        return Optional.ofNullable(clusters.get(name));
    }

    public Map<String, UpstreamCluster> clusters() {
        return clusters;
    }
}
