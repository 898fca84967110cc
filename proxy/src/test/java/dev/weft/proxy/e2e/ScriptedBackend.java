package dev.weft.proxy.e2e;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * An HTTP/1.1 server on 127.0.0.1 whose status for the n-th request (from 1) a function decides;
 * the body is {@code name path}. It records every request it got (path, headers) and can hold
 * requests until released (a slow backend without sleeps in the test).
 */
final class ScriptedBackend implements AutoCloseable {

    record Seen(String method, String uri, Headers headers) {
        String header(String name) {
            return headers.getFirst(name);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final IntUnaryOperator statusOfRequest;
    private final AtomicInteger count = new AtomicInteger();
    private volatile java.util.concurrent.CountDownLatch hold;
    final String name;
    final List<Seen> seen = new CopyOnWriteArrayList<>();

    ScriptedBackend(String name, IntUnaryOperator statusOfRequest) {
        this.name = name;
        this.statusOfRequest = statusOfRequest;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            int n = count.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders()));
            java.util.concurrent.CountDownLatch latch = hold;
            if (latch != null) {
                try {
                    latch.await(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = (name + " " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("x-backend", name);
            exchange.sendResponseHeaders(statusOfRequest.applyAsInt(n), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    static ScriptedBackend always(String name, int status) {
        return new ScriptedBackend(name, n -> status);
    }

    /** Requests wait (up to 60 s) until {@link #release()}. */
    void holdRequests() {
        hold = new java.util.concurrent.CountDownLatch(1);
    }

    void release() {
        java.util.concurrent.CountDownLatch latch = hold;
        hold = null;
        if (latch != null) {
            latch.countDown();
        }
    }

    int requests() {
        return count.get();
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        executor.shutdownNow();
    }
}
