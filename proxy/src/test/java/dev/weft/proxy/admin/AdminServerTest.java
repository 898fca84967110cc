package dev.weft.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.proxy.Proxy;
import dev.weft.proxy.bootstrap.Bootstrap;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admin server on raw sockets: what probes (HTTP/1.0, one request) and curl (keep-alive) send. */
class AdminServerTest {

    private static Proxy proxy;

    @BeforeAll
    static void start() throws IOException {
        int noControlPlane;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            noControlPlane = s.getLocalPort();   // closed: the xDS client keeps retrying, the admin server answers
        }
        proxy = Proxy.start(Bootstrap.of("sidecar~127.0.0.1~a.default~default.svc.cluster.local", "127.0.0.1",
                noControlPlane).withAdminPort(0), 1, Duration.ofSeconds(1));
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    private static String exchange(String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", proxy.adminPort()), 10_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);   // until the server closes
        }
    }

    @Test
    void http10ProbeGetsOneAnswerAndTheConnectionCloses() throws IOException {
        String answer = exchange("GET /ready HTTP/1.0\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.0 503").contains("content-length: 17").endsWith("PRE_INITIALIZING\n");
    }

    @Test
    void keepAliveAnswersInOrderThenClosesOnRequest() throws IOException {
        String answer = exchange("GET /ready HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET /nope HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 503");
        assertThat(answer.indexOf("HTTP/1.1 404")).isGreaterThan(0);
        assertThat(answer).contains("admin endpoints: /ready").endsWith("&inboundonly]\n");
    }

    @Test
    void methodsAreChecked() throws IOException {
        assertThat(exchange("POST /ready HTTP/1.0\r\nContent-Length: 0\r\n\r\n")).startsWith("HTTP/1.0 405");
        assertThat(exchange("GET /drain_listeners HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.0 405").endsWith("use POST\n");
        assertThat(exchange("GET /stats HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.0 200")
                .contains("control_plane.connected_state: 0");
    }

    @Test
    void oversizedRequestIsRefusedNotServed() throws IOException {
        String answer = exchange("GET /ready HTTP/1.1\r\nHost: a\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
        assertThat(answer).doesNotContain("PRE_INITIALIZING");
        assertThat(answer.isEmpty() || answer.startsWith("HTTP/1.1 4")).as(answer).isTrue();
    }
}
