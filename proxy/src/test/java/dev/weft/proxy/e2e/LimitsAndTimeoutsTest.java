package dev.weft.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.weft.proxy.config.ProxyLimits;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Timeouts and bounds with raw sockets and with Debian's slowhttptest: idle connections are closed,
 * connections over the listener's limit are refused, and slowloris / slow body / slow read attacks of
 * 1,000 connections neither stop a normal client nor leave connections behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitsAndTimeoutsTest {

    private static final int MAX_CONNECTIONS = 20;
    private HardenedProxy edge;

    @BeforeAll
    void start() throws IOException {
        edge = new HardenedProxy(ProxyLimits.DEFAULTS, hcm -> hcm
                .setRequestHeadersTimeout(Duration.newBuilder().setSeconds(2))
                .setRequestTimeout(Duration.newBuilder().setSeconds(3))
                .setStreamIdleTimeout(Duration.newBuilder().setSeconds(3))
                .setCommonHttpProtocolOptions(HttpProtocolOptions.newBuilder()
                        .setIdleTimeout(Duration.newBuilder().setSeconds(2))
                        .setMaxHeadersCount(UInt32Value.of(100))));
    }

    @AfterAll
    void stop() throws IOException {
        if (edge != null) {
            edge.close();
        }
    }

    private long stat(String name) {
        return edge.proxy.stats().get(name);
    }

    private void awaitNoConnections() {
        Await.until("downstream connections back to 0 (now " + edge.proxy.downstreamConnections() + ")",
                HardenedProxy.WAIT, () -> edge.proxy.downstreamConnections() == 0);
        assertThat(edge.proxy.stats().gaugeValue("server.total_connections")).isZero();
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws IOException {
        long before = stat("http.edge.downstream_cx_idle_timeout");
        try (Socket socket = connect()) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertThat(readUntilClosed(in)).startsWith("HTTP/1.1 200 OK").doesNotContainIgnoringCase("connection: close");
        }
        assertThat(stat("http.edge.downstream_cx_idle_timeout")).isGreaterThan(before);
        awaitNoConnections();
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheIdleTimeout() throws IOException {
        try (Socket socket = connect()) {
            assertThat(readUntilClosed(socket.getInputStream())).isEmpty();
        }
        awaitNoConnections();
    }

    @Test
    void connectionsOverTheListenersLimitAreClosedOnAcceptAndTheOthersStillWork() throws IOException {
        try (HardenedProxy limited = new HardenedProxy(ProxyLimits.DEFAULTS.withMaxConnections(1_000, MAX_CONNECTIONS),
                hcm -> hcm)) {
            InetSocketAddress address = limited.address();
            String overflow = "listener." + address.getAddress().getHostAddress() + "_" + address.getPort()
                    + ".downstream_cx_overflow";
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < MAX_CONNECTIONS; i++) {
                    held.add(connect(address));
                }
                Await.until("all " + MAX_CONNECTIONS + " connections accepted", HardenedProxy.WAIT,
                        () -> limited.proxy.downstreamConnections() == MAX_CONNECTIONS);
                try (Socket extra = connect(address)) {
                    assertThat(readUntilClosed(extra.getInputStream())).isEmpty();
                }
                assertThat(limited.proxy.stats().get(overflow)).isEqualTo(1);
                // A held connection is served normally.
                Socket first = held.getFirst();
                first.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(readUntilClosed(first.getInputStream())).startsWith("HTTP/1.1 200 OK");
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
            }
            Await.until("connections back to 0", HardenedProxy.WAIT, () -> limited.proxy.downstreamConnections() == 0);
            assertThat(RawExchange.send(address, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII), 30_000).statuses()).containsExactly(200);
        }
    }

    /** slowhttptest against the proxy for a bounded time while a normal client keeps asking. */
    @ParameterizedTest(name = "slowhttptest {0}")
    @ValueSource(strings = {"-H", "-B", "-X"})
    void slowHttpAttacksDoNotStopNormalTrafficAndLeaveNoConnectionBehind(String mode, @TempDir Path dir)
            throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/slowhttptest")),
                "slowhttptest is not installed (apt-get install -y slowhttptest); skipping the slow HTTP attacks");
        awaitNoConnections();
        long headerTimeouts = stat("http.edge.downstream_rq_header_timeout");
        long requestTimeouts = stat("http.edge.downstream_rq_timeout");
        InetSocketAddress address = edge.address();
        List<String> command = new ArrayList<>(List.of("slowhttptest", mode, "-c", "1000", "-r", "250", "-l", "12",
                "-i", "1", "-p", "3", "-u", "http://127.0.0.1:" + address.getPort() + "/"));
        if (mode.equals("-X")) {
            command.addAll(List.of("-k", "10", "-n", "1", "-w", "1", "-y", "16", "-z", "1"));
        }
        Process attack = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("slowhttptest.log").toFile()).start();
        int probes = 0;
        int answered = 0;
        try {
            while (attack.isAlive() && probes < 60) {
                probes++;
                RawExchange.Result result = RawExchange.send(address,
                        "GET /probe HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                        20_000);
                if (result.statuses().equals(List.of(200))) {
                    answered++;
                }
                Thread.sleep(200);
            }
            assertThat(attack.waitFor(60, TimeUnit.SECONDS)).as("slowhttptest ends").isTrue();
        } finally {
            attack.destroyForcibly();
        }
        String log = Files.readString(dir.resolve("slowhttptest.log"));
        assertThat(probes).as("probes during the attack; slowhttptest said:\n" + log).isGreaterThan(3);
        assertThat(answered).as("normal requests answered during the attack").isEqualTo(probes);
        awaitNoConnections();
        switch (mode) {
            case "-H" -> assertThat(stat("http.edge.downstream_rq_header_timeout")).isGreaterThan(headerTimeouts);
            case "-B" -> assertThat(stat("http.edge.downstream_rq_timeout")).isGreaterThan(requestTimeouts);
            default -> {
            }
        }
    }

    private Socket connect() throws IOException {
        return connect(edge.address());
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, 5_000);
        socket.setSoTimeout(30_000);
        return socket;
    }

    /** Everything until the proxy closes (fails if it does not within the socket timeout). */
    private static String readUntilClosed(InputStream in) throws IOException {
        try {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the proxy did not close the connection", e);
        } catch (java.net.SocketException e) {
            return ""; // reset: closed as well
        }
    }
}
