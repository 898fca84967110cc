package dev.weft.proxy;

import dev.weft.proxy.bootstrap.Bootstrap;
import dev.weft.proxy.bootstrap.BootstrapException;
import dev.weft.proxy.bootstrap.BootstrapReader;
import dev.weft.proxy.bootstrap.HostPort;
import dev.weft.proxy.config.ProxyLimits;
import dev.weft.proxy.net.Transport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * {@code weft-proxy --bootstrap FILE [--node-id ID] [--xds HOST:PORT] [--admin HOST:PORT]
 * [--drain-time-s N]}: runs a proxy until SIGTERM or SIGINT, then drains (stops accepting, lets
 * in-flight requests finish with Connection: close, at most the drain time) and exits 0. Flags
 * override the file; without a file, --node-id is required. {@link #run} returns an exit code and
 * never prints a stack trace (for the {@code weft} CLI).
 */
public final class ProxyMain {

    private ProxyMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, true));
    }

    /** Parses flags and starts the proxy; blocks until the JVM shuts down when {@code block}. */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean block) {
        String bootstrapFile = null;
        String nodeId = null;
        String xds = null;
        String adminAddress = null;
        Duration drainTime = ProxyLimits.DEFAULTS.drainTime();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("-h") || flag.equals("--help")) {
                out.println("usage: weft proxy --bootstrap FILE [--node-id ID] [--xds HOST:PORT] [--admin HOST:PORT]"
                        + " [--drain-time-s SECONDS]");
                return 0;
            }
            if (i + 1 >= args.length) {
                err.println("weft proxy: " + flag + " needs a value");
                return 2;
            }
            String value = args[++i];
            switch (flag) {
                case "--bootstrap", "-c" -> bootstrapFile = value;
                case "--node-id" -> nodeId = value;
                case "--xds" -> xds = value;
                case "--admin" -> adminAddress = value;
                case "--drain-time-s" -> {
                    try {
                        drainTime = Duration.ofSeconds(Long.parseLong(value));
                        if (drainTime.isNegative()) {
                            throw new NumberFormatException();
                        }
                    } catch (NumberFormatException e) {
                        err.println("weft proxy: --drain-time-s must be a whole number of seconds >= 0, not '" + value + "'");
                        return 2;
                    }
                }
                default -> {
                    err.println("weft proxy: unknown option " + flag);
                    return 2;
                }
            }
        }
        Bootstrap bootstrap;
        try {
            bootstrap = resolve(bootstrapFile, nodeId, xds, adminAddress);
        } catch (BootstrapException e) {
            err.println("weft proxy: " + e.getMessage());
            return 2;
        }
        Proxy proxy;
        Transport.withoutLeakDetection();
        try {
            proxy = Proxy.start(bootstrap, Runtime.getRuntime().availableProcessors(),
                    ProxyLimits.DEFAULTS.withDrainTime(drainTime));
        } catch (IOException | RuntimeException e) {
            err.println("weft proxy: " + e.getMessage());
            return 1;
        }
        out.println("weft proxy " + bootstrap.nodeId() + ": xDS " + bootstrap.xdsHost() + ":" + bootstrap.xdsPort()
                + ", admin " + bootstrap.adminHost() + ":" + proxy.adminPort() + " (" + proxy.transportName() + ")");
        if (block) {
            awaitSignalThenDrain(proxy, drainTime, out);
        }
        return 0;
    }

    /**
     * Blocks until SIGTERM/SIGINT, then drains: listeners stop accepting, idle connections close,
     * in-flight requests finish (Connection: close), everything is closed after the drain time at
     * the latest. Handling the signals ourselves (not a shutdown hook) is what lets the exit code be 0.
     */
    private static void awaitSignalThenDrain(Proxy proxy, Duration drainTime, PrintStream out) {
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable drainAndClose = () -> {
            if (!stopping.compareAndSet(false, true)) {
                return;
            }
            out.println("weft proxy: draining for at most " + drainTime.toSeconds() + " s ("
                    + proxy.downstreamConnections() + " connections open)");
            try {
                proxy.drainListeners(false, false).get(drainTime.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // closed below regardless
            }
            proxy.close();
            out.println("weft proxy: drained, exiting");
            stopped.countDown();
        };
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> Thread.ofPlatform().name("weft-drain").start(drainAndClose));
            } catch (IllegalArgumentException e) {
                // Signal not available here (-Xrs): the shutdown hook below still closes the proxy.
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (stopping.compareAndSet(false, true)) {
                proxy.close();
            }
        }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Bootstrap resolve(String file, String nodeId, String xds, String admin) throws BootstrapException {
        Bootstrap base;
        if (file != null) {
            base = BootstrapReader.read(Path.of(file));
        } else if (nodeId != null) {
            base = Bootstrap.of(nodeId, "127.0.0.1", Bootstrap.DEFAULT_XDS_PORT);
        } else {
            throw new BootstrapException("--bootstrap FILE or --node-id ID is required");
        }
        HostPort xdsAddress = HostPort.parse(xds, base.xdsHost(), base.xdsPort(), "--xds");
        HostPort adminHostPort = HostPort.parse(admin, base.adminHost(), base.adminPort(), "--admin");
        return new Bootstrap(nodeId != null ? nodeId : base.nodeId(), base.cluster(), base.proxyType(),
                base.namespace(), base.serviceAccount(), base.labels(), xdsAddress.host(), xdsAddress.port(),
                adminHostPort.host(), adminHostPort.port(), base.reconnectInitial(), base.reconnectMax())
                .withMetadata(base.metadata()).withXdsApi(base.xdsApi());
    }
}
