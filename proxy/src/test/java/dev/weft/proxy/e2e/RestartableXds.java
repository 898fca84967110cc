package dev.weft.proxy.e2e;

import dev.weft.controlplane.xds.server.XdsServer;
import dev.weft.controlplane.xds.server.XdsServerOptions;
import dev.weft.proxy.Proxy;
import dev.weft.proxy.bootstrap.Bootstrap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A real xDS server that a test stops and starts again on the same port (a control plane going
 * away and coming back, as a new instance), and a proxy (2 event loops) fed by it, ready and with
 * every type ACKed. The port is picked free once, so a restarted server is where the proxy's
 * bootstrap points.
 */
final class RestartableXds implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(30);

    final int port;
    final Proxy proxy;
    private final MutableSource source;
    private final UnaryOperator<XdsServerOptions> options;
    private XdsServer server;

    /**
     * @param options   edits the server's options (debounce off and the port are set already)
     * @param bootstrap edits the proxy's bootstrap (admin on port 0, reconnect 100-500 ms are set already)
     */
    RestartableXds(MutableSource source, String nodeId, UnaryOperator<XdsServerOptions> options,
            UnaryOperator<Bootstrap> bootstrap) {
        this.source = source;
        this.options = options;
        try {
            port = ProxyUnderTest.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        startServer();
        try {
            proxy = Proxy.start(bootstrap.apply(Bootstrap.of(nodeId, "127.0.0.1", port).withAdminPort(0)
                    .withReconnect(Duration.ofMillis(100), Duration.ofMillis(500))), 2, Duration.ofSeconds(1));
        } catch (IOException e) {
            server.stop();
            throw new UncheckedIOException(e);
        }
        Await.until("proxy ready", WAIT, proxy::ready);
        Await.until("all types ACKed", WAIT, () -> XdsSync.allSynced(server, nodeId));
    }

    /** The running server (fails while it is stopped). */
    XdsServer server() {
        if (server == null) {
            throw new IllegalStateException("the xDS server is stopped");
        }
        return server;
    }

    /** A new server instance on the same port, serving the source as it is now. */
    void startServer() {
        try {
            server = new XdsServer(source, options.apply(XdsServerOptions.defaults().withAddress("127.0.0.1", port)
                    .withDebounce(Duration.ZERO, Duration.ZERO))).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server and waits until the proxy saw its stream go. */
    void stopServer() {
        server.stop();
        server = null;
        Await.until("xDS disconnected", WAIT, () -> !connected());
    }

    /** The proxy's own view: {@code control_plane.connected_state}. */
    boolean connected() {
        return Admin.get(proxy.adminPort(), "/stats").body().contains("control_plane.connected_state: 1");
    }

    @Override
    public void close() {
        proxy.close();
        if (server != null) {
            server.stop();
        }
    }
}
