package dev.weft.controlplane.xds.server;

import com.google.protobuf.Any;
import dev.weft.controlplane.xds.ResourceType;
import dev.weft.controlplane.xds.translate.VhdsSplit;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one stream knows about one resource type: the subscription, what the proxy was given, and
 * its answers. Mutable; only touched under its connection's lock.
 */
final class TypeState {

    /** How many sent nonces are remembered, to map a late ACK or NACK back to its version. */
    private static final int RECENT_NONCES = 16;

    final ResourceType type;

    /** The proxy has asked for this type on this stream. */
    boolean requested;
    /** Subscribed to every resource of the type. */
    boolean wildcard;
    /** Names subscribed explicitly. */
    final Set<String> names = new TreeSet<>();

    /** What the proxy was given: name -> resource version (delta: also names it had on reconnect). */
    final TreeMap<String, String> givenVersions = new TreeMap<>();
    /** The resources themselves, for proxy-config. */
    final TreeMap<String, Any> given = new TreeMap<>();
    /** Delta: explicitly subscribed names the proxy was told do not exist. */
    final Set<String> toldAbsent = new HashSet<>();

    /** Bumped whenever the subscription (wildcard, names, what a delta client asked again) changes. */
    long subscriptionChanges;
    /**
     * The translated map the last flush of this type selected from, and {@link #subscriptionChanges}
     * then: when both are the same again, nothing can have changed and the type is skipped
     * (translation hands out the same map while a type's resources do not change).
     */
    Object flushedFrom;
    long flushedAtChange = -1;

    /**
     * Delta: the selection {@link #givenVersions} equals exactly (set after each send, cleared when
     * the proxy's subscription or what it says it has changes): the next send is then the selections'
     * shared {@link Selection#diffFrom diff} instead of a comparison of every resource.
     */
    Selection deltaSyncedTo;
    /** SotW: the selection last sent (or found unchanged), to skip comparing versions when it is the same. */
    Selection sentSelection;
    String sentVersion = "";
    String sentNonce = "";
    Instant sentAt;
    long responsesSent;
    String ackedVersion = "";
    String ackedNonce = "";
    /** System.nanoTime() of the last ACK (0 if none): when the control plane learnt the proxy took it. */
    long ackedAtNanos;
    Nack lastNack;

    private final Map<String, String> recentNonces = new LinkedHashMap<>(32, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > RECENT_NONCES;
        }
    };

    TypeState(ResourceType type) {
        this.type = type;
    }

    boolean wants(String name) {
        if (wildcard || names.contains(name)) {
            return true;
        }
        // VHDS subscribes by namespace: the route configuration's name stands for all its virtual hosts.
        return type == ResourceType.VIRTUAL_HOST && !names.isEmpty()
                && VhdsSplit.namespaceOf(name).filter(names::contains).isPresent();
    }

    boolean sentAny() {
        return !sentNonce.isEmpty();
    }

    void recordSent(String nonce, String version, Instant at) {
        sentNonce = nonce;
        sentVersion = version;
        sentAt = at;
        responsesSent++;
        recentNonces.put(nonce, version);
        publish();
    }

    /** What {@link #acknowledged()} returns, readable without the connection's lock (null until something was sent). */
    private volatile Acknowledged published;

    private void publish() {
        published = new Acknowledged(ackedVersion, ackedAtNanos, state() == SyncState.SYNCED);
    }

    /** The version that went out with {@code nonce}, if it is one of the recent ones. */
    Optional<String> versionOf(String nonce) {
        return Optional.ofNullable(recentNonces.get(nonce));
    }

    void ack(String nonce, String version) {
        ackedNonce = nonce;
        ackedVersion = version;
        ackedAtNanos = System.nanoTime();
        publish();
    }

    void nack(String nonce, String rejectedVersion, int code, String message, Instant at) {
        lastNack = new Nack(rejectedVersion, nonce, code, message, at);
        publish();
    }

    SyncState state() {
        if (!sentAny()) {
            return SyncState.NOT_SENT;
        }
        if (lastNack != null && lastNack.nonce().equals(sentNonce)) {
            return SyncState.NACKED;
        }
        return ackedNonce.equals(sentNonce) ? SyncState.SYNCED : SyncState.STALE;
    }

    /** The last ACK and whether the type is synced; null until a response of it was sent. Needs no lock. */
    Acknowledged acknowledged() {
        return published;
    }

    TypeStatus status() {
        return new TypeStatus(type, state(), wildcard, List.copyOf(names), sentVersion, sentNonce, sentAt,
                ackedVersion, Optional.ofNullable(lastNack), List.copyOf(given.keySet()), responsesSent);
    }
}
