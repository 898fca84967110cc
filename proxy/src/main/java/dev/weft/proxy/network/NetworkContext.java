package dev.weft.proxy.network;

import dev.weft.proxy.net.Transport;
import dev.weft.proxy.stats.ProxyStats;
import dev.weft.proxy.upstream.ClusterManager;

/** What network filters need from the proxy: clusters, stats, event loops and transport sockets. */
public record NetworkContext(ClusterManager clusters, ProxyStats stats, Transport transport,
        TransportSocketFactory transportSockets) {
}
