package dev.weft.proxy.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/1.1 server on 127.0.0.1 that answers every request with its own name and the path
 * it received ({@code name path}), and remembers which client ports connected (to see keep-alive).
 */
final class HttpBackend implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    final String name;
    final AtomicInteger requests = new AtomicInteger();
    final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    /** The Host header values of the last request, joined by ",". */
    final java.util.concurrent.atomic.AtomicReference<String> lastHosts = new java.util.concurrent.atomic.AtomicReference<>();

    HttpBackend(String name) {
        this.name = name;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            clientPorts.add(exchange.getRemoteAddress().getPort());
            exchange.getRequestBody().readAllBytes();
            byte[] body = (name + " " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("x-backend", name);
            String host = exchange.getRequestHeaders().getFirst("Host");
            exchange.getResponseHeaders().set("x-seen-host", host == null ? "" : host);
            var hosts = exchange.getRequestHeaders().get("Host");
            lastHosts.set(hosts == null ? "" : String.join(",", hosts));
            exchange.getResponseHeaders().set("x-seen-host-count", String.valueOf(hosts == null ? 0 : hosts.size()));
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
