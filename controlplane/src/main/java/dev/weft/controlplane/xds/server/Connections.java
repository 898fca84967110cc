package dev.weft.controlplane.xds.server;

import dev.weft.controlplane.xds.ProxyConfigSource;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The open streams of one server, and what they share: the config source, nonces, counters. */
final class Connections {

    final ProxyConfigSource source;
    final Clock clock;
    private final ConcurrentHashMap<String, ProxyConnection<?>> open = new ConcurrentHashMap<>();
    private final AtomicLong serials = new AtomicLong();
    private final AtomicLong nonces = new AtomicLong();
    final LongAdder responsesSent = new LongAdder();
    /** What subscriptions select from translated maps, shared between streams. */
    final Selections selections = new Selections();
    private volatile boolean shuttingDown;

    Connections(ProxyConfigSource source, Clock clock) {
        this.source = source;
        this.clock = clock;
    }

    long nextSerial() {
        return serials.incrementAndGet();
    }

    String nextNonce() {
        return Long.toString(nonces.incrementAndGet(), 36);
    }

    void opened(ProxyConnection<?> connection) {
        open.put(connection.connectionId(), connection);
    }

    void closed(ProxyConnection<?> connection) {
        open.remove(connection.connectionId(), connection);
    }

    Collection<ProxyConnection<?>> all() {
        return List.copyOf(open.values());
    }

    boolean shuttingDown() {
        return shuttingDown;
    }

    void startShutdown() {
        shuttingDown = true;
    }
}
