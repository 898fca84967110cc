package dev.weft.bench;

import dev.weft.controlplane.testing.SimulatedDeltaProxy;
import dev.weft.controlplane.testing.SimulatedProxy;
import dev.weft.controlplane.testing.SimulatedXdsClient;
import dev.weft.controlplane.xds.ResourceType;
import dev.weft.controlplane.xds.server.Acknowledged;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The xDS benchmark's simulated sidecars ({@link SimulatedProxy}, {@code clientsPerChannel} to a
 * channel, on two event loops), in the benchmark's process ({@link #start}) or in a process of their
 * own ({@link #launch}, {@link #main}): there they do not share the control plane's heap, and their
 * CPU is counted apart from it.
 */
final class SimulatedSidecars implements AutoCloseable {
  private static final ResourceType[] TYPES = {ResourceType.CLUSTER, ResourceType.ENDPOINT, ResourceType.LISTENER, ResourceType.ROUTE,
      ResourceType.VIRTUAL_HOST};

  private final List<SimulatedXdsClient> proxies = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, Thread.ofPlatform().name("bench-client-", 0).daemon(true)
      .factory(), NioIoHandler.newFactory());
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("bench-timer")
      .daemon(true).factory());

  /** The node of client {@code i}: a sidecar of {@code namespace} with its own app label and address. */
  static Node node(int i, String namespace) {
    return SimulatedProxy.sidecar("app-" + i, namespace, "10.200." + (i / 250) + "." + (i % 250 + 1), Map.of("app", "app-" + i));
  }

  /** Client {@code i}'s namespace: "bench", or with {@code namespaces} > 0 one of ns-0..ns-(N-1) (as the benchmark's services). */
  static String namespace(int i, int clients, int namespaces) {
    return namespaces <= 0 ? "bench" : "ns-" + (int) ((long) i * namespaces / clients);
  }

  /**
   * Connects {@code clients} simulated sidecars to the xDS server on 127.0.0.1:{@code port}, speaking
   * {@code protocol}: "sotw" ({@link SimulatedProxy}) or "delta" (delta ADS with VHDS, {@link SimulatedDeltaProxy},
   * which always parses every resource).
   */
  static SimulatedSidecars start(int port, int clients, int clientsPerChannel, int namespaces, boolean parseAll, String protocol) {
    SimulatedSidecars s = new SimulatedSidecars();
    for (int i = 0; i < clients; i++) {
      if (i % clientsPerChannel == 0) {
        s.channels.add(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().eventLoopGroup(s.loops)
            .channelType(NioSocketChannel.class).directExecutor().maxInboundMessageSize(64 * 1024 * 1024).build());
      }
      Node node = node(i, namespace(i, clients, namespaces));
      SimulatedXdsClient p = switch (protocol) {
        case "sotw" -> new SimulatedProxy(s.channels.getLast(), node, s.timer, false, Duration.ofMillis(200), Duration.ofSeconds(5),
            parseAll);
        case "delta" -> new SimulatedDeltaProxy(s.channels.getLast(), node, s.timer, Duration.ofMillis(200), Duration.ofSeconds(5));
        default -> throw new IllegalArgumentException("--protocol must be sotw or delta");
      };
      s.proxies.add(p);
      p.start();
    }
    return s;
  }

  /**
   * What each client ACKed, by its own clock (the time its ACK left): SYNCED per type here means the
   * whole client is synced ({@link SimulatedProxy#synced}).
   */
  Map<String, Map<ResourceType, Acknowledged>> acknowledged() {
    Map<String, Map<ResourceType, Acknowledged>> out = new HashMap<>();
    for (SimulatedXdsClient p : proxies) {
      boolean synced = p.synced();
      Map<ResourceType, Acknowledged> types = new EnumMap<>(ResourceType.class);
      for (ResourceType t : TYPES) {
        if (t == ResourceType.VIRTUAL_HOST && !(p instanceof SimulatedDeltaProxy)) {
          continue; // state of the world has no VHDS
        }
        types.put(t, new Acknowledged(p.ackedVersion(t), p.lastAckNanos(t), synced));
      }
      out.put(p.id(), types);
    }
    return out;
  }

  @Override
  public void close() {
    proxies.forEach(SimulatedXdsClient::close);
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    timer.shutdownNow();
  }

  /**
   * Starts this class's {@link #main} in a child JVM (same java, same class path; {@code CLIENTS_JAVA_OPTS},
   * default {@code -Xmx1g}) with its output on this process's; it ends when its standard input closes
   * (this process ending) or when destroyed.
   */
  static Process launch(int port, int clients, int clientsPerChannel, int namespaces, boolean parseAll, String protocol)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String opts = System.getenv().getOrDefault("CLIENTS_JAVA_OPTS", "-Xmx1g -XX:+UseG1GC");
    for (String o : opts.trim().split("\\s+")) {
      if (!o.isEmpty()) {
        command.add(o);
      }
    }
    command.addAll(List.of("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED", "-cp",
        System.getProperty("java.class.path"), SimulatedSidecars.class.getName(), Integer.toString(port), Integer.toString(clients),
        Integer.toString(clientsPerChannel), Integer.toString(namespaces), Boolean.toString(parseAll), protocol));
    return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  /** {@code SimulatedSidecars PORT CLIENTS CLIENTS_PER_CHANNEL NAMESPACES PARSE_ALL PROTOCOL}: runs the clients until standard input closes. */
  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println("usage: SimulatedSidecars PORT CLIENTS CLIENTS_PER_CHANNEL NAMESPACES PARSE_ALL sotw|delta");
      System.exit(2);
    }
    try (SimulatedSidecars s = start(Integer.parseInt(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
        Boolean.parseBoolean(args[4]), args[5])) {
      System.out.printf("simulated clients: %s connecting to 127.0.0.1:%s (pid %d)%n", args[1], args[0], ProcessHandle.current().pid());
      while (System.in.read() >= 0) {
        // runs until the benchmark closes our standard input or destroys us
      }
    }
  }
}
