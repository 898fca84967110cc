package dev.weft.proxy;

import dev.weft.proxy.accesslog.AccessLogs;
import dev.weft.proxy.admin.AdminServer;
import dev.weft.proxy.bootstrap.Bootstrap;
import dev.weft.proxy.config.ConfigSnapshot;
import dev.weft.proxy.config.ProxyLimits;
import dev.weft.proxy.listener.ListenerManager;
import dev.weft.proxy.network.NetworkContext;
import dev.weft.proxy.tls.TlsTransportSockets;
import dev.weft.proxy.net.Transport;
import dev.weft.proxy.stats.ProxyStats;
import dev.weft.proxy.upstream.ClusterManager;
import dev.weft.proxy.xds.AdsClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A running proxy: the xDS client feeds configuration snapshots to the cluster manager (first) and
 * the listener manager (then), the admin server reports on them.
 *
 * <pre>
 * try (Proxy proxy = Proxy.start(BootstrapReader.read(path))) { ... }
 * </pre>
 */
public final class Proxy implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Proxy.class.getName());

    private final Transport transport;
    private final ProxyStats stats = new ProxyStats();
    private final ClusterManager clusters;
    private final ListenerManager listeners;
    private final AccessLogs accessLogs;
    private final AdsClient xds;
    private final AdminServer admin;
    private volatile boolean ready;

    private Proxy(Bootstrap bootstrap, int workerThreads, ProxyLimits limits) throws IOException {
        this.transport = Transport.create(workerThreads);
        this.clusters = new ClusterManager(transport, stats);
        this.accessLogs = new AccessLogs(stats, limits.accessLogQueue());
        this.listeners = new ListenerManager(
                new NetworkContext(clusters, stats, transport, new TlsTransportSockets(), accessLogs), limits);
        this.xds = new AdsClient(bootstrap, this::apply, transport);
        try {
            this.admin = new AdminServer(bootstrap.adminHost(), bootstrap.adminPort(), transport, () -> ready, xds,
                    clusters, listeners, stats);
        } catch (IOException e) {
            xds.close();
            transport.close();
            throw new IOException("cannot start the admin server on " + bootstrap.adminHost() + ":"
                    + bootstrap.adminPort() + ": " + e.getMessage(), e);
        }
        xds.start();
    }

    /** Starts with one worker thread per core and a 5 s drain time for replaced listeners. */
    public static Proxy start(Bootstrap bootstrap) throws IOException {
        return start(bootstrap, Runtime.getRuntime().availableProcessors(), Duration.ofSeconds(5));
    }

    public static Proxy start(Bootstrap bootstrap, int workerThreads, Duration drainTime) throws IOException {
        return start(bootstrap, workerThreads, ProxyLimits.DEFAULTS.withDrainTime(drainTime));
    }

    /** Starts with the given limits (connection counts, drain time, ...; see {@link ProxyLimits}). */
    public static Proxy start(Bootstrap bootstrap, int workerThreads, ProxyLimits limits) throws IOException {
        return new Proxy(bootstrap, workerThreads, limits);
    }

    // On the xDS client's thread, one snapshot at a time.
    private void apply(ConfigSnapshot snapshot) {
        clusters.apply(snapshot.clusters());
        listeners.apply(snapshot.listeners());
        if (snapshot.complete() && !ready) {
            ready = true;
            LOG.log(System.Logger.Level.INFO, "configuration warmed: " + snapshot.listeners().size()
                    + " listeners, " + snapshot.clusters().size() + " clusters; ready");
        }
    }

    /** Whether the first complete configuration has been applied (what /ready says). */
    public boolean ready() {
        return ready;
    }

    public int adminPort() {
        return admin.port();
    }

    /** Where a listener is bound (its real port when the listener asked for port 0). */
    public Optional<InetSocketAddress> listenerAddress(String name) {
        return Optional.ofNullable(listeners.bound().get(name)).map(ListenerManager.BoundListener::address);
    }

    /**
     * Envoy's /drain_listeners: stops accepting (after the drain time when {@code graceful}), closes
     * idle connections, answers in-flight requests with Connection: close. Completes when the drained
     * listeners have no connection left (at the latest after the drain time).
     */
    public CompletableFuture<Void> drainListeners(boolean graceful, boolean inboundOnly) {
        return listeners.drainListeners(graceful, inboundOnly);
    }

    /** Downstream connections open now, over all listeners. */
    public int downstreamConnections() {
        return listeners.activeConnections();
    }

    public ProxyStats stats() {
        return stats;
    }

    public String transportName() {
        return transport.name();
    }

    @Override
    public void close() {
        admin.close();
        xds.close();
        listeners.close();
        transport.close();
        accessLogs.close();
    }
}
