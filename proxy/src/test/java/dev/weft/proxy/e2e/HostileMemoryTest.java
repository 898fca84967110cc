package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.ENDPOINT;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static dev.weft.controlplane.xds.ResourceType.ROUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import dev.weft.controlplane.xds.server.XdsServer;
import dev.weft.controlplane.xds.server.XdsServerOptions;
import dev.weft.proxy.ProxyJvmOptions;
import dev.weft.proxy.ProxyMain;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's "the proxy's memory stays bounded" under hostile input: a real proxy process, with the
 * product's JVM flags (jvm.options: a 64 MB heap that exits on OutOfMemoryError), takes the whole
 * hostile HTTP/1.1 corpus (all cases at once) and the HTTP/2 floods (rapid reset, SETTINGS, PING,
 * CONTINUATION, empty DATA) round after round. After each round, every connection closed and a full
 * GC ({@code jcmd GC.run}), its admin {@code /memory} must be back where it was after the first
 * round: Netty's allocator holds no more chunks (a buffer not released pins its chunk: a leak of
 * even one small buffer per hostile connection adds up over the rounds) and the live heap does not grow.
 */
class HostileMemoryTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String NODE_ID = "router~127.0.0.1~memory.weft-system~weft-system.svc.cluster.local";
    private static final int MAX_ROUNDS = 8;
    /** Fewer rounds on a loaded machine, never fewer than this. */
    private static final int MIN_ROUNDS = 4;
    private static final Duration TIME_BUDGET = Duration.ofSeconds(150);
    /**
     * Slack over the first round's figures. One round is 67 HTTP/1.1 connections and 5 HTTP/2 ones:
     * a leaked 16 KiB buffer per connection grows Netty's figure by 1.1 MiB a round (measured: the
     * test then fails at round 3). Without a leak the allocator still takes a few more 128 KiB chunks
     * in the first rounds as more threads and size classes come into play (up to 0.9 MiB measured
     * while the whole suite ran alongside); the heap slack covers late JIT and class-init work.
     */
    private static final long DIRECT_SLACK = 2L << 20;
    private static final long HEAP_SLACK = 4L << 20;
    private static final int MAX_FRAMES = 20_000;

    @Test
    void roundAfterRoundOfTheHostileCorpusAndHttp2FloodsTheProxysMemoryReturnsToItsBaseline(@TempDir Path dir)
            throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Assumptions.assumeTrue(Files.isExecutable(jcmd), "jcmd not in this JDK; skipping");
        List<HostileHttp1Test.Case> corpus = HostileHttp1Test.corpus().toList();
        int upstreamPerRound = corpus.stream().mapToInt(HostileHttp1Test.Case::upstreamRequests).sum();
        Path log = dir.resolve("proxy.log");
        try (RecordingBackend backend = new RecordingBackend()) {
            int xdsPort = HardenedProxy.freePort();
            MutableSource source = new MutableSource()
                    .put(CLUSTER, "backend", Envoy.edsCluster("backend"))
                    .put(ENDPOINT, "backend", Envoy.endpoints("backend", backend.port()))
                    .put(LISTENER, "edge", Envoy.httpListener("edge", 0, "r", hcm -> hcm
                            .setRequestHeadersTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(2))
                            .setRequestTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(3))))
                    .put(ROUTE, "r", Any.pack(RouteConfiguration.newBuilder().setName("r")
                            .addVirtualHosts(Envoy.virtualHost("all", "*").addRoutes(Envoy.toCluster("/", "backend")))
                            .build()));
            XdsServer xds = new XdsServer(source, XdsServerOptions.defaults().withAddress("127.0.0.1", xdsPort)
                    .withDebounce(Duration.ZERO, Duration.ZERO)).start();
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(ProxyJvmOptions.defaults());
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), ProxyMain.class.getName(),
                    "--node-id", NODE_ID, "--xds", "127.0.0.1:" + xdsPort, "--admin", "127.0.0.1:0"));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                int admin = adminPort(log);
                Await.until("/ready", WAIT, () -> Admin.get(admin, "/ready").statusCode() == 200);
                String listeners = Admin.get(admin, "/listeners").body().strip();
                InetSocketAddress edge = new InetSocketAddress("127.0.0.1",
                        Integer.parseInt(listeners.substring(listeners.lastIndexOf(':') + 1)));

                List<Map<String, Long>> rounds = new ArrayList<>();
                long deadline = System.nanoTime() + TIME_BUDGET.toNanos();
                while (rounds.size() < MAX_ROUNDS && (rounds.size() < MIN_ROUNDS || System.nanoTime() < deadline)) {
                    backend.reset();
                    corpusAtOnce(edge, corpus);
                    Await.until("every downstream connection closed", WAIT,
                            () -> stat(admin, "server.total_connections") == 0);
                    int afterCorpus = backend.requests.size();
                    // All at once, an idle upstream connection is often ready when a hostile body
                    // starts: still nothing of a refused request may leave.
                    assertThat(backend.requests).as("requests that reached the backend in a round")
                            .hasSize(upstreamPerRound);
                    floods(edge);
                    Await.until("every downstream connection closed", WAIT,
                            () -> stat(admin, "server.total_connections") == 0);
                    assertThat(backend.requests).as("requests of the HTTP/2 floods that reached the backend")
                            .hasSize(afterCorpus);
                    assertThat(process.isAlive()).as("the proxy is alive (it exits on OutOfMemoryError)").isTrue();
                    rounds.add(memoryAfterFullGc(jcmd, process.pid(), admin));
                }
                String table = table(rounds);
                System.out.println("HostileMemoryTest /memory after each round (full GC first):\n" + table);
                Map<String, Long> baseline = rounds.getFirst();
                for (Map<String, Long> round : rounds.subList(1, rounds.size())) {
                    assertThat(round.get("netty_used_direct")).as("Netty direct memory in use, per round:\n" + table)
                            .isLessThanOrEqualTo(baseline.get("netty_used_direct") + DIRECT_SLACK);
                    assertThat(round.get("netty_used_heap")).as("Netty heap buffers in use, per round:\n" + table)
                            .isLessThanOrEqualTo(baseline.get("netty_used_heap") + DIRECT_SLACK);
                    assertThat(round.get("jvm_heap_used")).as("live heap after a full GC, per round:\n" + table)
                            .isLessThanOrEqualTo(baseline.get("jvm_heap_used") + HEAP_SLACK);
                }
            } finally {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
                xds.stop();
            }
        }
    }

    /** Every corpus case on its own connection, all at once; each gets its statuses and a closed connection. */
    private static void corpusAtOnce(InetSocketAddress edge, List<HostileHttp1Test.Case> corpus) throws Exception {
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<RawExchange.Result>> results = new ArrayList<>();
            for (HostileHttp1Test.Case hostile : corpus) {
                results.add(clients.submit(() -> RawExchange.send(edge, hostile.bytes(), 30_000)));
            }
            for (int i = 0; i < corpus.size(); i++) {
                HostileHttp1Test.Case hostile = corpus.get(i);
                RawExchange.Result result = results.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(result.statuses()).as(hostile.why()).isEqualTo(hostile.expect());
                assertThat(result.closed()).as("connection closed after: " + hostile.why()).isTrue();
            }
        }
    }

    /** The HTTP/2 floods of {@link Http2FloodTest}, each to its GOAWAY or closed connection. */
    private static void floods(InetSocketAddress edge) throws Exception {
        flood(edge, 50, (client, c, first) -> {
            for (int i = first; i < first + 50; i++) {
                int stream = 2 * i + 1;
                client.headers(c, stream, HostileHttp2Client.get("a.example.com", "/reset"), false);
                client.rst(c, stream);
            }
        });
        flood(edge, 500, (client, c, first) -> {
            for (int i = 0; i < 500; i++) {
                client.settings(c);
            }
        });
        flood(edge, 500, (client, c, first) -> {
            for (int i = first; i < first + 500; i++) {
                client.ping(c, i);
            }
        });
        flood(edge, 100, (client, c, first) -> {
            if (first == 0) {
                client.raw(c, (byte) 0x1, 1, 0, Unpooled.EMPTY_BUFFER); // HEADERS without END_HEADERS
            }
            for (int i = 0; i < 100; i++) {
                client.raw(c, (byte) 0x9, 1, 0, Unpooled.EMPTY_BUFFER); // CONTINUATION, never the last
            }
        });
        flood(edge, 100, (client, c, first) -> {
            if (first == 0) {
                client.headers(c, 1, HostileHttp2Client.get("a.example.com", "/empty"), false);
            }
            for (int i = 0; i < 100; i++) {
                client.emptyData(c, 1);
            }
        });
    }

    @FunctionalInterface
    private interface Batch {
        void write(HostileHttp2Client client, io.netty.channel.ChannelHandlerContext c, int firstIndex);
    }

    private static void flood(InetSocketAddress edge, int perBatch, Batch batch) throws Exception {
        try (HostileHttp2Client client = new HostileHttp2Client(edge)) {
            for (int sent = 0; sent < MAX_FRAMES && client.open(); sent += perBatch) {
                int first = sent;
                client.run(c -> batch.write(client, c, first));
            }
            assertThat(client.awaitGoAwayOrClose(WAIT)).isIn("GOAWAY " + HostileHttp2Client.ENHANCE_YOUR_CALM,
                    "GOAWAY 1" /* PROTOCOL_ERROR */, "CLOSED");
        }
    }

    private static Map<String, Long> memoryAfterFullGc(Path jcmd, long pid, int admin) throws Exception {
        Tools.Result gc = Tools.run(List.of(jcmd.toString(), Long.toString(pid), "GC.run"));
        assertThat(gc.exit()).as("jcmd GC.run: " + gc.out() + gc.err()).isZero();
        String json = Admin.get(admin, "/memory").body();
        Map<String, Long> figures = new LinkedHashMap<>();
        Matcher field = Pattern.compile("\"(\\w+)\": \"(-?\\d+)\"").matcher(json);
        while (field.find()) {
            figures.put(field.group(1), Long.parseLong(field.group(2)));
        }
        assertThat(figures).as(json).containsKeys("allocated", "heap_size", "jvm_heap_used", "netty_used_direct");
        return figures;
    }

    private static long stat(int admin, String name) {
        Matcher value = Pattern.compile("(?m)^" + Pattern.quote(name) + ": (\\d+)$")
                .matcher(Admin.get(admin, "/stats").body());
        return value.find() ? Long.parseLong(value.group(1)) : -1;
    }

    private static int adminPort(Path log) {
        Pattern banner = Pattern.compile("admin 127\\.0\\.0\\.1:(\\d+)");
        int[] port = new int[1];
        Await.until("the proxy's banner", WAIT, () -> {
            try {
                Matcher m = banner.matcher(Files.readString(log));
                if (m.find()) {
                    port[0] = Integer.parseInt(m.group(1));
                    return true;
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        return port[0];
    }

    private static String table(List<Map<String, Long>> rounds) {
        StringBuilder out = new StringBuilder("round");
        rounds.getFirst().keySet().forEach(key -> out.append(' ').append(key));
        for (int i = 0; i < rounds.size(); i++) {
            out.append('\n').append(i + 1);
            rounds.get(i).values().forEach(value -> out.append(' ').append(value));
        }
        return out.toString();
    }
}
