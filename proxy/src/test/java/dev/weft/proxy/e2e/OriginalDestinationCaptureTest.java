package dev.weft.proxy.e2e;

import static dev.weft.controlplane.xds.ResourceType.CLUSTER;
import static dev.weft.controlplane.xds.ResourceType.LISTENER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.sun.net.httpserver.HttpServer;
import dev.weft.controlplane.xds.server.XdsServer;
import dev.weft.controlplane.xds.server.XdsServerOptions;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Transparent capture for real, as Istio's init container sets it up: the test makes a network
 * namespace joined to the host by a veth pair on 10.x addresses it picks, installs iptables nat
 * rules inside it (outbound TCP not from the proxy's uid to 15001, inbound TCP to 15006), and runs
 * the proxy inside it as its own process, fed by the test's xDS server over the veth. Plain clients
 * then reach servers through the proxy's capture listeners: an HTTP request that virtualOutbound
 * hands over (use_original_dst) to the bind_to_port=false listener of its port, a TCP connection
 * to a port with no listener that goes through PassthroughCluster (ORIGINAL_DST), and an inbound
 * connection that virtualInbound (original_dst listener filter) sends to its chain by destination
 * port. Needs root, ip and iptables (Debian package iptables); skipped otherwise. The namespace is
 * always removed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OriginalDestinationCaptureTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String NODE_ID = "sidecar~10.0.0.2~capture-1.default~default.svc.cluster.local";

    private final String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    private final String namespace = "weft-cap-" + suffix;
    private final String hostSide = "wch" + suffix;
    private final String nsSide = "wcn" + suffix;
    // 10.a.b.c/30, with a and b picked at random so parallel runs do not collide.
    private final String prefix = "10." + ThreadLocalRandom.current().nextInt(200, 250) + "."
            + ThreadLocalRandom.current().nextInt(0, 256) + ".";
    private final int base = ThreadLocalRandom.current().nextInt(0, 63) * 4;
    private final String hostIp = prefix + (base + 1);
    private final String nsIp = prefix + (base + 2);
    private final MutableSource source = new MutableSource();
    private final List<Process> processes = new ArrayList<>();
    private boolean namespaceMade;
    private XdsServer server;
    private HttpServer web;
    private ServerSocket echo;
    private Path proxyLog;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(run("id", "-u").trim().equals("0"), "needs root (network namespaces, iptables)");
        assumeTrue(ok("ip", "-V"), "needs the ip command (iproute2)");
        assumeTrue(ok("iptables", "-V"), "needs iptables (apt-get install -y iptables)");
        assumeTrue(io.netty.channel.epoll.Epoll.isAvailable(), "needs native epoll (SO_ORIGINAL_DST)");

        namespaceMade = true;
        sh("ip netns add " + namespace);
        sh("ip link add " + hostSide + " type veth peer name " + nsSide);
        sh("ip link set " + nsSide + " netns " + namespace);
        sh("ip addr add " + hostIp + "/30 dev " + hostSide);
        sh("ip link set " + hostSide + " up");
        inNs("ip addr add " + nsIp + "/30 dev " + nsSide);
        inNs("ip link set " + nsSide + " up");
        inNs("ip link set lo up");
        // Istio's iptables, reduced: the proxy runs as root (uid 0) here, as 1337 in Istio.
        for (String rule : List.of(
                "-t nat -N WEFT_REDIRECT", "-t nat -A WEFT_REDIRECT -p tcp -j REDIRECT --to-ports 15001",
                "-t nat -N WEFT_IN_REDIRECT", "-t nat -A WEFT_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006",
                "-t nat -N WEFT_INBOUND", "-t nat -A PREROUTING -p tcp -j WEFT_INBOUND",
                "-t nat -A WEFT_INBOUND -p tcp -j WEFT_IN_REDIRECT",
                "-t nat -N WEFT_OUTPUT", "-t nat -A OUTPUT -p tcp -j WEFT_OUTPUT",
                "-t nat -A WEFT_OUTPUT -m owner --uid-owner 0 -j RETURN",
                "-t nat -A WEFT_OUTPUT -d 127.0.0.1/32 -j RETURN",
                "-t nat -A WEFT_OUTPUT -j WEFT_REDIRECT")) {
            inNs("iptables " + rule);
        }

        web = HttpServer.create(new InetSocketAddress(hostIp, 0), 16);
        web.createContext("/", exchange -> {
            byte[] body = ("web " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        web.start();
        echo = new ServerSocket();
        echo.bind(new InetSocketAddress(hostIp, 0));
        Thread.ofVirtual().start(this::echoLoop);

        int webPort = web.getAddress().getPort();
        int inboundPort = 18000 + ThreadLocalRandom.current().nextInt(1000);
        configure(webPort, inboundPort);

        int xdsPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(hostIp))) {
            xdsPort = probe.getLocalPort();
        }
        server = new XdsServer(source, XdsServerOptions.defaults().withAddress(hostIp, xdsPort)
                .withDebounce(Duration.ZERO, Duration.ZERO)).start();

        // The application inside the namespace: a tagged line echo on the inbound port.
        processes.add(new ProcessBuilder("ip", "netns", "exec", namespace, "/usr/bin/python3", "-c", """
                import socket, threading
                s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(('0.0.0.0', %d)); s.listen(16)
                def serve(c):
                    c.sendall(b'app\\n'); f = c.makefile('rb'); c.sendall(f.readline()); c.close()
                while True:
                    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
                """.formatted(inboundPort)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start());

        proxyLog = Files.createTempFile("weft-capture-proxy", ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        processes.add(new ProcessBuilder("ip", "netns", "exec", namespace, java,
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.weft.proxy.ProxyMain", "--node-id", NODE_ID, "--xds", hostIp + ":" + xdsPort,
                "--admin", "127.0.0.1:15000")
                .redirectErrorStream(true).redirectOutput(proxyLog.toFile()).start());
        this.inboundPort = inboundPort;
        this.webPort = webPort;
        Await.until("the proxy in the namespace is ready (log: " + proxyLog + ")", WAIT,
                () -> ok("ip", "netns", "exec", namespace, "curl", "-sf", "-m", "2", "http://127.0.0.1:15000/ready"));
    }

    private int inboundPort;
    private int webPort;

    private void configure(int webPort, int inboundPort) {
        Any originalDst = Any.pack(OriginalDst.getDefaultInstance());
        source.put(CLUSTER, "BlackHoleCluster", Any.pack(Cluster.newBuilder().setName("BlackHoleCluster")
                        .setType(Cluster.DiscoveryType.STATIC).build()))
                .put(CLUSTER, "PassthroughCluster", Any.pack(Cluster.newBuilder().setName("PassthroughCluster")
                        .setType(Cluster.DiscoveryType.ORIGINAL_DST).setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
                        .build()))
                .put(CLUSTER, "InboundPassthroughCluster", Any.pack(Cluster.newBuilder()
                        .setName("InboundPassthroughCluster").setType(Cluster.DiscoveryType.ORIGINAL_DST)
                        .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED).build()))
                .put(CLUSTER, "web", Listeners.staticCluster("web", hostIp, webPort))
                .put(CLUSTER, "inbound|" + inboundPort + "||",
                        Listeners.staticCluster("inbound|" + inboundPort + "||", "127.0.0.1", inboundPort))
                .put(LISTENER, "virtualOutbound", Any.pack(Listeners.listener("virtualOutbound", "0.0.0.0", 15001)
                        .setUseOriginalDst(BoolValue.of(true))
                        .addFilterChains(Listeners.tcpProxyChain("virtualOutbound-blackhole", "BlackHoleCluster")
                                .setFilterChainMatch(Listeners.destinationPort(15001)))
                        .setDefaultFilterChain(Listeners.tcpProxyChain("PassthroughFilterChain", "PassthroughCluster"))
                        .build()))
                .put(LISTENER, "0.0.0.0_" + webPort, Any.pack(Listeners.listener("0.0.0.0_" + webPort, "0.0.0.0", webPort)
                        .setBindToPort(BoolValue.of(false))
                        .addFilterChains(Listeners.httpChain("outbound_0.0.0.0_" + webPort, "web"))
                        .build()))
                .put(LISTENER, "virtualInbound", Any.pack(Listeners.listener("virtualInbound", "0.0.0.0", 15006)
                        .addListenerFilters(ListenerFilter.newBuilder().setName("envoy.filters.listener.original_dst")
                                .setTypedConfig(originalDst))
                        .addFilterChains(Listeners.tcpProxyChain("virtualInbound-blackhole", "BlackHoleCluster")
                                .setFilterChainMatch(Listeners.destinationPort(15006)))
                        .addFilterChains(Listeners.tcpProxyChain("0.0.0.0_" + inboundPort, "inbound|" + inboundPort + "||")
                                .setFilterChainMatch(Listeners.destinationPort(inboundPort)))
                        .setDefaultFilterChain(Listeners.tcpProxyChain("InboundPassthroughCluster",
                                "InboundPassthroughCluster"))
                        .build()));
    }

    private void echoLoop() {
        while (!echo.isClosed()) {
            try {
                Socket socket = echo.accept();
                Thread.ofVirtual().start(() -> {
                    try (socket) {
                        socket.getOutputStream().write("echo\n".getBytes(StandardCharsets.UTF_8));
                        socket.getInputStream().transferTo(socket.getOutputStream());
                    } catch (IOException e) {
                        // client gone
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (Process process : processes) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        if (server != null) {
            server.stop();
        }
        if (web != null) {
            web.stop(0);
        }
        if (echo != null) {
            echo.close();
        }
        if (namespaceMade) {
            // Deleting the namespace removes its veth end, its peer and its iptables rules.
            ok("ip", "netns", "delete", namespace);
            ok("ip", "link", "delete", hostSide);
        }
    }

    @Test
    void outboundHttpIsHandedToTheListenerOfItsOriginalDestinationPort() throws Exception {
        // As nobody: the iptables OUTPUT rule captures every uid but the proxy's.
        String out = runAsNobody("curl", "-s", "-i", "-m", "20", "http://" + hostIp + ":" + webPort + "/through");
        assertThat(out).contains("200").contains("web /through")
                .containsIgnoringCase("x-envoy-upstream-service-time"); // served by the HTTP connection manager
    }

    @Test
    void outboundTcpToAPortWithoutListenerGoesThroughPassthroughCluster() throws Exception {
        String out = runAsNobody("/usr/bin/python3", "-c", """
                import socket
                s = socket.create_connection(('%s', %d), timeout=20)
                f = s.makefile('rb')
                print(f.readline().decode().strip())
                s.sendall(b'ping\\n')
                print(f.readline().decode().strip())
                """.formatted(hostIp, echo.getLocalPort()));
        assertThat(out).isEqualTo("echo\nping\n");
    }

    @Test
    void inboundConnectionTakesTheChainOfItsOriginalDestinationPort() throws Exception {
        String answer = "";
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline && !answer.equals("app\nhello\n")) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(nsIp, inboundPort), 10_000);
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
                answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                Thread.sleep(200); // the application in the namespace may still be starting
            }
        }
        assertThat(answer).isEqualTo("app\nhello\n");
        String stats = run("ip", "netns", "exec", namespace, "curl", "-s", "-m", "5", "http://127.0.0.1:15000/stats");
        assertThat(stats).contains("tcp.0.0.0.0_" + inboundPort + ".downstream_cx_total");
    }

    private String runAsNobody(String... command) throws Exception {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace,
                "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }

    private void inNs(String command) throws Exception {
        sh("ip netns exec " + namespace + " " + command);
    }

    private static void sh(String command) throws Exception {
        Process process = new ProcessBuilder(command.split(" ")).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(command + " failed: " + out);
        }
    }

    private static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = readBounded(process.getInputStream());
            process.waitFor(60, TimeUnit.SECONDS);
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    private static boolean ok(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0 && out.size() < 1 << 20) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
