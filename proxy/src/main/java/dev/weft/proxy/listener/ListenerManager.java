package dev.weft.proxy.listener;

import dev.weft.proxy.accesslog.AccessLogs;
import dev.weft.proxy.config.ActiveListener;
import dev.weft.proxy.config.ListenerConfig;
import dev.weft.proxy.config.ProxyLimits;
import dev.weft.proxy.http.ServedListener;
import dev.weft.proxy.net.Transport;
import dev.weft.proxy.stats.ProxyStats;
import dev.weft.proxy.upstream.ClusterManager;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps one {@link ListenerServer} per LDS listener. A listener whose address stays is updated in
 * place (connections stay open); a new address is bound before the old socket drains; a removed
 * listener drains.
 */
public final class ListenerManager implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ListenerManager.class.getName());

    private final Transport transport;
    private final ClusterManager clusters;
    private final ProxyStats stats;
    private final Duration drainTime;
    private final ProxyLimits limits;
    private final ConnectionLimiter connections;
    private final AccessLogs accessLogs;
    private final Map<String, Bound> servers = new HashMap<>();

    private record Bound(String host, int port, ListenerServer server) {
    }

    /** A listener as bound: configured address and the address it actually got. */
    public record BoundListener(String name, String host, int configuredPort, InetSocketAddress address) {
    }

    public ListenerManager(Transport transport, ClusterManager clusters, ProxyStats stats, Duration drainTime) {
        this(transport, clusters, stats, ProxyLimits.DEFAULTS.withDrainTime(drainTime));
    }

    public ListenerManager(Transport transport, ClusterManager clusters, ProxyStats stats, ProxyLimits limits) {
        this(transport, clusters, stats, limits, null);
    }

    /** With the proxy's access logs (null: none are written). */
    public ListenerManager(Transport transport, ClusterManager clusters, ProxyStats stats, ProxyLimits limits,
            AccessLogs accessLogs) {
        this.accessLogs = accessLogs;
        this.transport = transport;
        this.clusters = clusters;
        this.stats = stats;
        this.drainTime = limits.drainTime();
        this.limits = limits;
        this.connections = new ConnectionLimiter(limits.maxConnections());
    }

    public synchronized void apply(Map<String, ActiveListener> listeners) {
        Map<String, Bound> previous = new HashMap<>(servers);
        servers.clear();
        // Removed listeners stop accepting first, so a new listener may take over their address.
        previous.entrySet().removeIf(entry -> {
            ActiveListener wanted = listeners.get(entry.getKey());
            if (wanted != null && wanted.config().bindToPort()) {
                return false;
            }
            entry.getValue().server.drain(drainTime);
            stats.inc("listener_manager.listener_removed");
            return true;
        });
        listeners.forEach((name, active) -> {
            ListenerConfig config = active.config();
            if (!config.bindToPort()) {
                return; // reached only through original-destination hand-over (not implemented yet)
            }
            ServedListener served = ServedListener.of(active);
            Bound old = previous.get(name);
            if (old != null && old.host.equals(config.host()) && old.port == config.port()) {
                old.server.update(served);
                servers.put(name, old);
                previous.remove(name);
                return;
            }
            ListenerServer server = new ListenerServer(served, transport, limits, connections, accessLogs);
            try {
                server.bind(config.host(), config.port(), clusters, stats);
                servers.put(name, new Bound(config.host(), config.port(), server));
                stats.inc("listener_manager.listener_added");
                LOG.log(System.Logger.Level.INFO, "listener " + name + " on " + server.boundAddress() + " ("
                        + transport.name() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // Netty reports bind errors as (sneaky) IOExceptions.
                stats.inc("listener_manager.listener_create_failure");
                LOG.log(System.Logger.Level.ERROR, "listener " + name + ": cannot bind " + config.host() + ":"
                        + config.port() + ": " + e.getMessage());
            }
        });
        // Listeners that moved to another address: the new socket is up, the old one drains.
        previous.values().forEach(bound -> bound.server.drain(drainTime));
    }

    public synchronized Map<String, BoundListener> bound() {
        Map<String, BoundListener> result = new LinkedHashMap<>();
        servers.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> result.put(entry.getKey(),
                new BoundListener(entry.getKey(), entry.getValue().host, entry.getValue().port,
                        entry.getValue().server.boundAddress())));
        return result;
    }

    /** Downstream connections open on all listeners. */
    public int activeConnections() {
        return connections.active();
    }

    /**
     * Drains every bound listener ({@code inboundOnly}: only those whose traffic direction is
     * INBOUND), as Envoy's /drain_listeners; see {@link ListenerServer#drain}. The future completes
     * when their connections are all closed (at the latest after the drain time).
     */
    public synchronized CompletableFuture<Void> drainListeners(boolean graceful, boolean inboundOnly) {
        stats.inc("listener_manager.listener_drained");
        return CompletableFuture.allOf(servers.values().stream()
                .filter(bound -> !inboundOnly || bound.server.current().active().config().inbound())
                .map(bound -> bound.server.drain(drainTime, graceful))
                .toArray(CompletableFuture[]::new));
    }

    @Override
    public synchronized void close() {
        servers.values().forEach(bound -> bound.server.closeNow());
        servers.clear();
    }
}
