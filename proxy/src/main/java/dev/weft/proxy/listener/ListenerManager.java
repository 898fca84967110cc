package dev.weft.proxy.listener;

import dev.weft.proxy.accesslog.AccessLogs;
import dev.weft.proxy.config.ListenerConfig;
import dev.weft.proxy.config.ProxyLimits;
import dev.weft.proxy.config.WarmListener;
import dev.weft.proxy.network.NetworkContext;
import dev.weft.proxy.network.TransportSocketFactory;
import dev.weft.proxy.net.Transport;
import dev.weft.proxy.stats.ProxyStats;
import dev.weft.proxy.upstream.ClusterManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps one {@link ListenerServer} per LDS listener that binds. A listener whose address stays is
 * updated in place (connections stay open); a new address is bound before the old socket drains; a
 * removed listener drains. Listeners with {@code bind_to_port: false} are kept too: they take the
 * connections a {@code use_original_dst} listener hands over for their address.
 */
public final class ListenerManager implements AutoCloseable, ListenerServer.ListenerDirectory {

    private static final System.Logger LOG = System.getLogger(ListenerManager.class.getName());

    private final NetworkContext context;
    private final ProxyStats stats;
    private final Duration drainTime;
    private final ProxyLimits limits;
    private final ConnectionLimiter connections;
    private final Map<String, Bound> servers = new HashMap<>();
    /** Every listener of the current configuration, by name. */
    private volatile Map<String, PreparedListener> all = Map.of();
    /** The same by "ip:port" of their configured address. */
    private volatile Map<String, PreparedListener> byAddress = Map.of();

    private record Bound(String host, int port, ListenerServer server) {
    }

    /** A listener as bound: configured address and the address it actually got. */
    public record BoundListener(String name, String host, int configuredPort, InetSocketAddress address) {
    }

    public ListenerManager(Transport transport, ClusterManager clusters, ProxyStats stats, Duration drainTime) {
        this(transport, clusters, stats, ProxyLimits.DEFAULTS.withDrainTime(drainTime), null);
    }

    /** With the proxy's limits and access logs (null: none are written). */
    public ListenerManager(Transport transport, ClusterManager clusters, ProxyStats stats, ProxyLimits limits,
            AccessLogs accessLogs) {
        this(new NetworkContext(clusters, stats, transport, TransportSocketFactory.NONE, accessLogs), limits);
    }

    /** With the network filters' context (where a transport socket factory is given). */
    public ListenerManager(NetworkContext context, Duration drainTime) {
        this(context, ProxyLimits.DEFAULTS.withDrainTime(drainTime));
    }

    public ListenerManager(NetworkContext context, ProxyLimits limits) {
        this.context = context;
        this.stats = context.stats();
        this.drainTime = limits.drainTime();
        this.limits = limits;
        this.connections = new ConnectionLimiter(limits.maxConnections());
    }

    public synchronized void apply(Map<String, WarmListener> listeners) {
        Map<String, PreparedListener> prepared = new HashMap<>();
        Map<String, PreparedListener> addresses = new HashMap<>();
        listeners.forEach((name, warm) -> {
            PreparedListener listener = PreparedListener.of(warm);
            prepared.put(name, listener);
            addresses.putIfAbsent(key(warm.config().host(), warm.config().port()), listener);
        });
        all = Map.copyOf(prepared);
        byAddress = Map.copyOf(addresses);

        Map<String, Bound> previous = new HashMap<>(servers);
        servers.clear();
        // Removed listeners stop accepting first, so a new listener may take over their address.
        previous.entrySet().removeIf(entry -> {
            WarmListener wanted = listeners.get(entry.getKey());
            if (wanted != null && wanted.config().bindToPort()) {
                return false;
            }
            entry.getValue().server.drain(drainTime);
            stats.inc("listener_manager.listener_removed");
            return true;
        });
        prepared.forEach((name, listener) -> {
            ListenerConfig config = listener.config();
            if (!config.bindToPort()) {
                return; // reached only through a use_original_dst listener's hand-over
            }
            Bound old = previous.get(name);
            if (old != null && old.host.equals(config.host()) && old.port == config.port()) {
                old.server.update(listener);
                servers.put(name, old);
                previous.remove(name);
                return;
            }
            ListenerServer server = new ListenerServer(listener, context, this, limits, connections);
            try {
                server.bind(config.host(), config.port());
                servers.put(name, new Bound(config.host(), config.port(), server));
                stats.inc("listener_manager.listener_added");
                LOG.log(System.Logger.Level.INFO, "listener " + name + " on " + server.boundAddress() + " ("
                        + context.transport().name() + ")");
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

    private static String key(String host, int port) {
        try {
            // One spelling per address (::ffff:10.0.0.1 and 10.0.0.1 alike).
            return InetAddress.getByName(host).getHostAddress() + ":" + port;
        } catch (java.net.UnknownHostException e) {
            return host + ":" + port;
        }
    }

    @Override
    public Optional<PreparedListener> named(String name) {
        return Optional.ofNullable(all.get(name));
    }

    @Override
    public Optional<PreparedListener> at(InetSocketAddress destination) {
        Map<String, PreparedListener> addresses = byAddress;
        PreparedListener exact = addresses.get(key(destination.getAddress().getHostAddress(), destination.getPort()));
        if (exact != null) {
            return Optional.of(exact);
        }
        boolean v4 = destination.getAddress() instanceof java.net.Inet4Address;
        PreparedListener wildcard = addresses.get((v4 ? "0.0.0.0:" : "0:0:0:0:0:0:0:0:") + destination.getPort());
        if (wildcard == null) {
            wildcard = addresses.get((v4 ? "0:0:0:0:0:0:0:0:" : "0.0.0.0:") + destination.getPort());
        }
        return Optional.ofNullable(wildcard);
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
                .filter(bound -> !inboundOnly || bound.server.current().config().inbound())
                .map(bound -> bound.server.drain(drainTime, graceful))
                .toArray(CompletableFuture[]::new));
    }

    @Override
    public synchronized void close() {
        servers.values().forEach(bound -> bound.server.closeNow());
        servers.clear();
    }
}
