package dev.weft.controlplane.xds.server;

import dev.weft.controlplane.xds.ProxyConfigSource;
import com.google.protobuf.Any;
import dev.weft.controlplane.xds.translate.VhdsSplit;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
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
    /** {@link XdsServerOptions#vhdsMinVirtualHosts()}. */
    final int vhdsMinVirtualHosts;
    /**
     * The VHDS form of recent translated route maps, by identity: the proxies that see the mesh alike
     * share one route map, so it is split (and each virtual host encoded) once per change.
     */
    private final Map<Object, VhdsSplit.Split> splits = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, VhdsSplit.Split> eldest) {
            return size() > MAX_SPLITS;
        }
    };
    private static final int MAX_SPLITS = 64;

    Connections(ProxyConfigSource source, Clock clock, int vhdsMinVirtualHosts) {
        this.source = source;
        this.clock = clock;
        this.vhdsMinVirtualHosts = vhdsMinVirtualHosts;
    }

    /** The VHDS split of a translated route map (see {@link VhdsSplit}), computed once per map. */
    VhdsSplit.Split vhds(Map<String, Any> routes) {
        Object key = new IdentityKey(routes);
        synchronized (splits) {
            VhdsSplit.Split known = splits.get(key);
            if (known != null) {
                return known;
            }
        }
        VhdsSplit.Split computed = VhdsSplit.split(routes, vhdsMinVirtualHosts);
        synchronized (splits) {
            VhdsSplit.Split raced = splits.putIfAbsent(key, computed);
            return raced != null ? raced : computed;
        }
    }

    /** Compares the wrapped map by identity (its own equals would compare every entry). */
    private record IdentityKey(Object object) {
        @Override
        public boolean equals(Object o) {
            return o instanceof IdentityKey other && other.object == object;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(object);
        }
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
