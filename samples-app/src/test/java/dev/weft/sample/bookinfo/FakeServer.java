package dev.weft.sample.bookinfo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A test HTTP server on 127.0.0.1 that records every request it gets (request-target as sent, and
 * headers) and answers through a {@link Behaviour}: a scripted fake backend, or a forward proxy
 * that passes absolute-form requests on, standing where a sidecar would.
 */
final class FakeServer implements AutoCloseable {

    record Recorded(String method, String target, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String path() {
            return URI.create(target).getPath();
        }
    }

    record Answer(int status, String contentType, String body) {}

    @FunctionalInterface
    interface Behaviour {
        Answer answer(Recorded request) throws Exception;
    }

    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "upgrade", "expect",
            "keep-alive", "proxy-connection", "transfer-encoding");

    final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    private FakeServer(Behaviour behaviour) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> serve(exchange, behaviour));
        server.start();
    }

    static FakeServer answering(Behaviour behaviour) throws IOException {
        return new FakeServer(behaviour);
    }

    /** A forward proxy: requests arrive in absolute form and are sent on to the URI they name. */
    static FakeServer forwardProxy() throws IOException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return new FakeServer(request -> {
            var forward = HttpRequest.newBuilder(URI.create(request.target()));
            request.headers().forEach((name, value) -> {
                if (!HOP_BY_HOP.contains(name)) {
                    forward.header(name, value);
                }
            });
            HttpResponse<String> response = client.send(forward.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(),
                    response.headers().firstValue("content-type").orElse("text/plain"), response.body());
        });
    }

    int port() {
        return server.getAddress().getPort();
    }

    String hostPort() {
        return "127.0.0.1:" + port();
    }

    List<Recorded> requestsTo(String pathPrefix) {
        return requests.stream().filter(r -> r.path().startsWith(pathPrefix)).toList();
    }

    private void serve(HttpExchange exchange, Behaviour behaviour) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            var headers = new TreeMap<String, String>();
            exchange.getRequestHeaders().forEach((name, values) ->
                    headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
            var recorded = new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers);
            requests.add(recorded);
            Answer answer;
            try {
                answer = behaviour.answer(recorded);
            } catch (Exception e) {
                answer = new Answer(502, "text/plain", "fake server: " + e);
            }
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
