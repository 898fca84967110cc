package dev.weft.proxy.network;

import dev.weft.proxy.accesslog.AccessLogs;
import dev.weft.proxy.net.Transport;
import dev.weft.proxy.stats.ProxyStats;
import dev.weft.proxy.upstream.ClusterManager;

/**
 * What network filters need from the proxy: clusters, stats, event loops, transport sockets and the
 * access logs (null: none are written).
 */
public record NetworkContext(ClusterManager clusters, ProxyStats stats, Transport transport,
        TransportSocketFactory transportSockets, AccessLogs accessLogs) {

    /** Without access logs. */
    public NetworkContext(ClusterManager clusters, ProxyStats stats, Transport transport,
            TransportSocketFactory transportSockets) {
        this(clusters, stats, transport, transportSockets, null);
    }
}
