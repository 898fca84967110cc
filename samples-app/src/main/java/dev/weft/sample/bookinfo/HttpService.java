package dev.weft.sample.bookinfo;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One Bookinfo service listening on a port: the JDK's HTTP server, a virtual thread per request,
 * bounded request bodies, and a {@link Handler} that maps a {@link Request} to a {@link Response}.
 */
public final class HttpService implements AutoCloseable {

    /** Request bodies larger than this are refused with 413 (the largest legitimate one is a login form). */
    public static final int MAX_REQUEST_BODY = 64 * 1024;

    static {
        // The JDK server reads these once, when its first instance is made. Without them a client
        // that never finishes its request (or never reads the response) holds a connection forever.
        setIfAbsent("sun.net.httpserver.maxReqTime", "30");
        setIfAbsent("sun.net.httpserver.maxRspTime", "60");
        setIfAbsent("sun.net.httpserver.maxReqHeaders", "100");
        setIfAbsent("sun.net.httpserver.nodelay", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    @FunctionalInterface
    public interface Handler {
        Response handle(Request request) throws Exception;
    }

    /** What a handler sees of a request; header names are case-insensitive. */
    public record Request(String method, String path, String rawQuery, Headers headers, byte[] body) {

        /** All values of a header joined as HTTP allows (cookies with "; "), or null when absent. */
        public String header(String name) {
            List<String> values = headers.get(name);
            if (values == null || values.isEmpty()) {
                return null;
            }
            return String.join(name.equalsIgnoreCase("cookie") ? "; " : ",", values);
        }

        public String cookie(String name) {
            String all = header("cookie");
            if (all == null) {
                return null;
            }
            for (String pair : all.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                    return pair.substring(eq + 1).trim();
                }
            }
            return null;
        }

        /** A form field from the query or an application/x-www-form-urlencoded body (Flask's request.values). */
        public String formValue(String name) {
            String fromQuery = decodeForm(rawQuery).get(name);
            if (fromQuery != null) {
                return fromQuery;
            }
            String type = header("content-type");
            if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
                return decodeForm(new String(body, StandardCharsets.UTF_8)).get(name);
            }
            return null;
        }

        private static Map<String, String> decodeForm(String encoded) {
            var fields = new LinkedHashMap<String, String>();
            if (encoded == null || encoded.isEmpty()) {
                return fields;
            }
            for (String pair : encoded.split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                try {
                    fields.putIfAbsent(URLDecoder.decode(key, StandardCharsets.UTF_8),
                            URLDecoder.decode(value, StandardCharsets.UTF_8));
                } catch (IllegalArgumentException badEscape) {
                    // A malformed %-escape: skip the field, as a lenient form parser does.
                }
            }
            return fields;
        }
    }

    public record Response(int status, String contentType, byte[] body, List<Map.Entry<String, String>> headers) {
        public Response {
            headers = List.copyOf(headers);
        }

        public static Response json(int status, String json) {
            return new Response(status, "application/json", json.getBytes(StandardCharsets.UTF_8), List.of());
        }

        public static Response html(int status, String html) {
            return new Response(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), List.of());
        }

        public static Response text(int status, String text) {
            return new Response(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), List.of());
        }

        /** A 302 to {@code location}, with extra headers such as Set-Cookie. */
        public static Response redirect(String location, List<Map.Entry<String, String>> extra) {
            var headers = new ArrayList<Map.Entry<String, String>>(extra);
            headers.add(Map.entry("Location", location));
            String body = "<!doctype html>\n<title>Redirecting...</title>\n<p>Redirecting to <a href=\""
                    + Html.escape(location) + "\">" + Html.escape(location) + "</a>.</p>\n";
            return new Response(302, "text/html; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), headers);
        }

        public static Response notFound() {
            return html(404, "<!doctype html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n");
        }

        public static Response methodNotAllowed() {
            return html(405, "<!doctype html>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n");
        }
    }

    private final String name;
    private final HttpServer server;
    private final ExecutorService executor;
    private final PrintStream accessLog;

    private HttpService(String name, HttpServer server, ExecutorService executor, PrintStream accessLog) {
        this.name = name;
        this.server = server;
        this.executor = executor;
        this.accessLog = accessLog;
    }

    /** Binds {@code address} (port 0 for an ephemeral one) and starts serving; {@code accessLog} may be null. */
    public static HttpService start(String name, InetSocketAddress address, Handler handler, PrintStream accessLog)
            throws IOException {
        HttpServer server = HttpServer.create(address, 128);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        var service = new HttpService(name, server, executor, accessLog);
        server.createContext("/", exchange -> service.serve(exchange, handler));
        server.setExecutor(executor);
        server.start();
        return service;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void serve(HttpExchange exchange, Handler handler) throws IOException {
        try (exchange) {
            Response response;
            byte[] body = readBounded(exchange.getRequestBody());
            if (body == null) {
                response = Response.text(413, "request body larger than " + MAX_REQUEST_BODY + " bytes\n");
            } else {
                var uri = exchange.getRequestURI();
                var request = new Request(exchange.getRequestMethod(), uri.getRawPath() == null ? "/" : uri.getRawPath(),
                        uri.getRawQuery(), exchange.getRequestHeaders(), body);
                try {
                    response = handler.handle(request);
                } catch (Exception | StackOverflowError e) {
                    System.err.println(name + ": " + request.method() + " " + request.path() + " failed: " + e);
                    response = Response.html(500, "<!doctype html>\n<title>500 Internal Server Error</title>\n"
                            + "<h1>Internal Server Error</h1>\n");
                }
            }
            send(exchange, response);
            if (accessLog != null) {
                accessLog.println(name + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                        + response.status());
            }
        }
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", response.contentType());
        for (var header : response.headers()) {
            headers.add(header.getKey(), header.getValue());
        }
        boolean head = exchange.getRequestMethod().equals("HEAD");
        if (head) {
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
        if (response.body().length > 0) {
            exchange.getResponseBody().write(response.body());
        }
    }

    /** The whole body, or null when it is larger than {@link #MAX_REQUEST_BODY}. */
    private static byte[] readBounded(InputStream in) throws IOException {
        var out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
            if (out.size() + n > MAX_REQUEST_BODY) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
