package dev.weft.controlplane.xds.server;

import java.time.Duration;
import java.util.Objects;

/**
 * How the xDS server listens and pushes.
 *
 * @param host                   address to bind (default 127.0.0.1: plaintext xDS stays local until
 *                               mTLS exists)
 * @param port                   15010 by default (Istio's plaintext xDS port); 0 picks a free one
 * @param maxInboundMessageBytes largest request accepted; requests are small, but a NACK carries the
 *                               proxy's error text and a delta request can list thousands of names
 * @param keepAliveTime          server pings an idle connection after this long, to find dead peers
 * @param keepAliveTimeout       and drops it if the ping is not answered within this
 * @param permitKeepAliveTime    clients may ping this often (Envoy and gRPC clients do)
 * @param maxConnectionAge       connections are asked to reconnect after this long, so proxies spread
 *                               over control-plane replicas again after a scale-up
 * @param maxConnectionAgeGrace  and are closed this long after being asked
 * @param debounceQuiet          a push waits until no change arrived for this long...
 * @param debounceMax            ...but never more than this after the first unpushed change
 * @param pushThreads            threads computing and sending pushes (proxies are independent)
 * @param shutdownGrace          how long stop() waits for streams to close before forcing them
 * @param vhdsMinVirtualHosts    delta streams get route configurations with at least this many
 *                               virtual hosts through VHDS (one resource per virtual host, so a
 *                               change moves only the virtual hosts that changed); 0 turns VHDS off.
 *                               State-of-the-world streams always get whole route configurations
 */
public record XdsServerOptions(
        String host,
        int port,
        int maxInboundMessageBytes,
        Duration keepAliveTime,
        Duration keepAliveTimeout,
        Duration permitKeepAliveTime,
        Duration maxConnectionAge,
        Duration maxConnectionAgeGrace,
        Duration debounceQuiet,
        Duration debounceMax,
        int pushThreads,
        Duration shutdownGrace,
        int vhdsMinVirtualHosts) {

    public XdsServerOptions {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (maxInboundMessageBytes <= 0 || pushThreads <= 0) {
            throw new IllegalArgumentException("maxInboundMessageBytes and pushThreads must be positive");
        }
        if (vhdsMinVirtualHosts < 0) {
            throw new IllegalArgumentException("vhdsMinVirtualHosts must not be negative");
        }
        if (debounceQuiet.isNegative() || debounceMax.compareTo(debounceQuiet) < 0) {
            throw new IllegalArgumentException("need 0 <= debounceQuiet <= debounceMax");
        }
    }

    public static XdsServerOptions defaults() {
        return new XdsServerOptions("127.0.0.1", 15010, 16 * 1024 * 1024,
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofMinutes(30), Duration.ofSeconds(10),
                Duration.ofMillis(100), Duration.ofSeconds(1),
                Math.max(2, Runtime.getRuntime().availableProcessors()), Duration.ofSeconds(5), DEFAULT_VHDS_MIN_VIRTUAL_HOSTS);
    }

    /**
     * Below this a route configuration goes whole even on delta streams: small ones (Bookinfo's
     * are a handful of virtual hosts) cost little to resend, and one resource is simpler to follow.
     */
    public static final int DEFAULT_VHDS_MIN_VIRTUAL_HOSTS = 16;

    public XdsServerOptions withVhdsMinVirtualHosts(int min) {
        return new XdsServerOptions(host, port, maxInboundMessageBytes, keepAliveTime, keepAliveTimeout,
                permitKeepAliveTime, maxConnectionAge, maxConnectionAgeGrace, debounceQuiet, debounceMax,
                pushThreads, shutdownGrace, min);
    }

    public XdsServerOptions withAddress(String newHost, int newPort) {
        return new XdsServerOptions(newHost, newPort, maxInboundMessageBytes, keepAliveTime, keepAliveTimeout,
                permitKeepAliveTime, maxConnectionAge, maxConnectionAgeGrace, debounceQuiet, debounceMax,
                pushThreads, shutdownGrace, vhdsMinVirtualHosts);
    }

    public XdsServerOptions withDebounce(Duration quiet, Duration max) {
        return new XdsServerOptions(host, port, maxInboundMessageBytes, keepAliveTime, keepAliveTimeout,
                permitKeepAliveTime, maxConnectionAge, maxConnectionAgeGrace, quiet, max, pushThreads,
                shutdownGrace, vhdsMinVirtualHosts);
    }
}
