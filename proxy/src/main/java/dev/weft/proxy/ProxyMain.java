package dev.weft.proxy;

import dev.weft.proxy.bootstrap.Bootstrap;
import dev.weft.proxy.bootstrap.BootstrapException;
import dev.weft.proxy.bootstrap.BootstrapReader;
import dev.weft.proxy.bootstrap.HostPort;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code weft-proxy --bootstrap FILE [--node-id ID] [--xds HOST:PORT] [--admin HOST:PORT]}: runs a
 * proxy until interrupted. Flags override the file; without a file, --node-id is required.
 * {@link #run} returns an exit code and never prints a stack trace (for the {@code weft} CLI).
 */
public final class ProxyMain {

    private ProxyMain() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err, true);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Parses flags and starts the proxy; blocks until the JVM shuts down when {@code block}. */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean block) {
        String bootstrapFile = null;
        String nodeId = null;
        String xds = null;
        String adminAddress = null;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("-h") || flag.equals("--help")) {
                out.println("usage: weft proxy --bootstrap FILE [--node-id ID] [--xds HOST:PORT] [--admin HOST:PORT]");
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
        try {
            proxy = Proxy.start(bootstrap);
        } catch (IOException | RuntimeException e) {
            err.println("weft proxy: " + e.getMessage());
            return 1;
        }
        out.println("weft proxy " + bootstrap.nodeId() + ": xDS " + bootstrap.xdsHost() + ":" + bootstrap.xdsPort()
                + ", admin " + bootstrap.adminHost() + ":" + proxy.adminPort() + " (" + proxy.transportName() + ")");
        if (block) {
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                proxy.close();
                stopped.countDown();
            }));
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return 0;
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
                .withMetadata(base.metadata());
    }
}
