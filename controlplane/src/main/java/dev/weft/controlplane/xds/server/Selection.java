package dev.weft.controlplane.xds.server;

import com.google.protobuf.Any;
import dev.weft.controlplane.xds.ResourceType;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The resources of one type that one subscription selects from what translation gave, sorted by
 * name, with their versions: what a response is made of. Immutable, and shared by every stream that
 * subscribes alike to the same translated map ({@link Selections}), so a push to a thousand proxies
 * that see the same routes sorts, hashes and assembles them once.
 */
final class Selection {

    final ResourceType type;
    /** Name -> resource (unmodifiable). */
    final SortedMap<String, Any> resources;
    /** Name -> resource version (unmodifiable). */
    final SortedMap<String, String> versions;
    private String version;
    /** The state-of-the-world response without its nonce, encoded once ({@link EncodedResponse}). */
    private byte[] sotw;
    /** An older selection found to hold the same versions: the next stream that had it need not compare again. */
    private volatile Selection sameAs;

    Selection(ResourceType type, TreeMap<String, Any> resources) {
        this.type = type;
        TreeMap<String, String> v = new TreeMap<>();
        resources.forEach((name, resource) -> v.put(name, ResourceVersions.of(resource)));
        this.resources = Collections.unmodifiableSortedMap(resources);
        this.versions = Collections.unmodifiableSortedMap(v);
    }

    /**
     * Delta responses' entries, built once per selection and shared by every stream sent the same
     * resource (a full push of 1,000 virtual hosts to 1,000 delta streams builds 1,000 entries, not
     * a million; protobuf also remembers each one's encoded size).
     */
    private final java.util.concurrent.ConcurrentHashMap<String, io.envoyproxy.envoy.service.discovery.v3.Resource> deltaEntries =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** The delta response entry of resource {@code name} (which must be in this selection). */
    io.envoyproxy.envoy.service.discovery.v3.Resource deltaEntry(String name) {
        return deltaEntries.computeIfAbsent(name, n -> io.envoyproxy.envoy.service.discovery.v3.Resource.newBuilder()
                .setName(n).setVersion(versions.get(n)).setResource(resources.get(n)).build());
    }

    /**
     * What changed from an older selection of the same subscription: the names whose version is new
     * or different, and the names gone. Computed once per pair and shared by every delta stream that
     * was in sync with {@code previous} (a VirtualService change compares 1,000 virtual hosts once,
     * not once per stream).
     */
    record Diff(java.util.List<String> changed, java.util.List<String> removed) {}

    private Selection diffBase;
    private Diff diff;

    synchronized Diff diffFrom(Selection previous) {
        if (previous == diffBase && diff != null) {
            return diff;
        }
        java.util.List<String> changed = new java.util.ArrayList<>();
        versions.forEach((name, v) -> {
            if (!v.equals(previous.versions.get(name))) {
                changed.add(name);
            }
        });
        java.util.List<String> removed = new java.util.ArrayList<>();
        for (String name : previous.versions.keySet()) {
            if (!versions.containsKey(name)) {
                removed.add(name);
            }
        }
        diffBase = previous;
        diff = new Diff(java.util.List.copyOf(changed), java.util.List.copyOf(removed));
        return diff;
    }

    /** The version of the whole set (a state-of-the-world response's version). */
    synchronized String version() {
        if (version == null) {
            version = ResourceVersions.ofSet(versions);
        }
        return version;
    }

    /**
     * Whether this selection holds the same resource versions as {@code other} (e.g. the unchanged
     * endpoints of a new snapshot against those a stream was given): compared once, then remembered.
     */
    boolean sameVersionsAs(Selection other) {
        if (other == this || sameAs == other) {
            return true;
        }
        if (!version().equals(other.version()) || !versions.equals(other.versions)) {
            return false;
        }
        sameAs = other;
        return true;
    }

    /**
     * The state-of-the-world response carrying this selection with {@code nonce}: the resources are
     * encoded for the first stream only, every other stream shares those bytes.
     */
    EncodedResponse sotwResponse(String nonce) {
        return new EncodedResponse(sotwBody(), nonce);
    }

    private synchronized byte[] sotwBody() {
        if (sotw == null) {
            sotw = EncodedResponse.encode(DiscoveryResponse.newBuilder()
                    .setTypeUrl(type.typeUrl())
                    .setVersionInfo(version())
                    .addAllResources(resources.values())
                    .setControlPlane(SotwConnection.CONTROL_PLANE)
                    .build());
        }
        return sotw;
    }
}
