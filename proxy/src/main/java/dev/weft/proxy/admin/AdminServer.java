package dev.weft.proxy.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.weft.proxy.listener.ListenerManager;
import dev.weft.proxy.stats.ProxyStats;
import dev.weft.proxy.upstream.ClusterManager;
import dev.weft.proxy.xds.AdsClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The proxy's admin server (Envoy's, on loopback:15000 by default): /ready, /config_dump,
 * /clusters, /listeners, /memory, /stats, /stats/prometheus (GET), and POST /drain_listeners.
 */
public final class AdminServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2,
            Thread.ofPlatform().name("weft-admin-", 0).daemon(true).factory());

    public AdminServer(String host, int port, BooleanSupplier ready, AdsClient xds, ClusterManager clusters,
            ListenerManager listeners, ProxyStats stats) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.setExecutor(executor);
        server.createContext("/ready", exchange -> {
            boolean isReady = ready.getAsBoolean();
            reply(exchange, isReady ? 200 : 503, "text/plain", isReady ? "LIVE\n" : "PRE_INITIALIZING\n");
        });
        server.createContext("/config_dump", exchange ->
                reply(exchange, 200, "application/json", ConfigDumpJson.print(xds.dump())));
        server.createContext("/clusters", exchange ->
                reply(exchange, 200, "text/plain", ClustersText.print(clusters.clusters())));
        server.createContext("/listeners", exchange -> {
            StringBuilder out = new StringBuilder();
            listeners.bound().forEach((name, bound) -> out.append(name).append("::")
                    .append(bound.address().getAddress().getHostAddress()).append(':')
                    .append(bound.address().getPort()).append('\n'));
            reply(exchange, 200, "text/plain", out.toString());
        });
        server.createContext("/memory", exchange ->
                reply(exchange, 200, "application/json", MemoryJson.print()));
        server.createContext("/stats/prometheus", exchange -> {
            var gauges = new java.util.TreeMap<>(stats.gaugeSnapshot());
            gauges.put("control_plane.connected_state", xds.connected() ? 1L : 0L);
            reply(exchange, 200, "text/plain; version=0.0.4", PrometheusText.print(stats.snapshot(), gauges));
        });
        // Envoy's POST /drain_listeners[?graceful][&inboundonly]: answers at once, the drain goes on.
        server.createContext("/drain_listeners", exchange -> {
            try (exchange) {
                if (!exchange.getRequestMethod().equals("POST")) {
                    send(exchange, 405, "text/plain", "use POST\n");
                    return;
                }
                String query = exchange.getRequestURI().getRawQuery();
                java.util.Set<String> params = query == null ? java.util.Set.of()
                        : java.util.Arrays.stream(query.split("&")).map(p -> p.split("=", 2)[0])
                                .collect(java.util.stream.Collectors.toSet());
                listeners.drainListeners(params.contains("graceful"), params.contains("inboundonly"));
                send(exchange, 200, "text/plain", "OK\n");
            }
        });
        server.createContext("/stats", exchange -> {
            StringBuilder out = new StringBuilder();
            stats.snapshot().forEach((name, value) -> out.append(name).append(": ").append(value).append('\n'));
            stats.gaugeSnapshot().forEach((name, value) -> out.append(name).append(": ").append(value).append('\n'));
            out.append("control_plane.connected_state: ").append(xds.connected() ? 1 : 0).append('\n');
            reply(exchange, 200, "text/plain", out.toString());
        });
        server.createContext("/", exchange -> reply(exchange, 404, "text/plain",
                "admin endpoints: /ready /config_dump /clusters /listeners /memory /stats /stats/prometheus"
                + " POST /drain_listeners[?graceful][&inboundonly]\n"));
    }

    public AdminServer start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void reply(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")) {
                status = 405;
                body = "method not allowed\n";
            }
            send(exchange, status, contentType, body);
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType + "; charset=utf-8");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
