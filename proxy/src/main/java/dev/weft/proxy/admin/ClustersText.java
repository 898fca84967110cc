package dev.weft.proxy.admin;

import dev.weft.proxy.config.ClusterConfig;
import dev.weft.proxy.config.EndpointsConfig.EndpointConfig;
import dev.weft.proxy.upstream.UpstreamCluster;
import dev.weft.proxy.upstream.UpstreamHost;
import java.util.Map;
import java.util.TreeMap;

/** /clusters in Envoy's text format: {@code cluster::key::value} and {@code cluster::host:port::key::value}. */
final class ClustersText {

    private ClustersText() {
    }

    static String print(Map<String, UpstreamCluster> clusters) {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(clusters).forEach((name, cluster) -> {
            ClusterConfig.Limits limits = cluster.config().limits();
            line(out, name, "default_priority::max_connections", limits.maxConnections());
            line(out, name, "default_priority::max_pending_requests", limits.maxPendingRequests());
            line(out, name, "default_priority::max_requests", limits.maxRequests());
            line(out, name, "default_priority::max_retries", limits.maxRetries());
            line(out, name, "added_via_api", "true");
            for (UpstreamHost host : cluster.hosts()) {
                String prefix = host.endpoint().address() + "::";
                line(out, name, prefix + "rq_active", host.activeRequests());
                line(out, name, prefix + "rq_total", host.requestsTotal());
                line(out, name, prefix + "cx_connect_fail", host.connectFailures());
                line(out, name, prefix + "cx_idle", host.idleConnections());
                line(out, name, prefix + "health_flags", healthFlags(host.endpoint().health(), host.ejected()));
                line(out, name, prefix + "weight", host.weight());
                line(out, name, prefix + "region", host.endpoint().locality());
                line(out, name, prefix + "priority", host.endpoint().priority());
            }
        });
        return out.toString();
    }

    /** Envoy's words: "healthy", or the reasons a host is not, in Envoy's order (outlier check first). */
    static String healthFlags(EndpointConfig.Health health, boolean ejected) {
        String eds = switch (health) {
            case HEALTHY, UNKNOWN -> "";
            case UNHEALTHY, TIMEOUT -> "/failed_eds_health";
            case DRAINING -> "/eds_status_draining";
            case DEGRADED -> "/degraded_eds_health";
        };
        String flags = (ejected ? "/failed_outlier_check" : "") + eds;
        return flags.isEmpty() ? "healthy" : flags;
    }

    private static void line(StringBuilder out, String cluster, String key, Object value) {
        out.append(cluster).append("::").append(key).append("::").append(value).append('\n');
    }
}
