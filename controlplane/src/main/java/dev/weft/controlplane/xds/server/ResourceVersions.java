package dev.weft.controlplane.xds.server;

import com.google.protobuf.Any;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.WeakHashMap;

/**
 * Content versions. A resource's version is a hash of its bytes, so an unchanged resource keeps its
 * version across pushes, restarts and control-plane replicas, and "did it change" is a string
 * comparison. A response's version is a hash of the (name, version) pairs it carries.
 */
final class ResourceVersions {

    private ResourceVersions() {
    }

    /**
     * Versions of resources still in use: translation shares one message among the proxies that see
     * the mesh alike, so a push to a thousand of them hashes it once. Weak keys: a resource no proxy
     * holds any more is dropped. Equal content has the same version, so an equal key is as good.
     */
    private static final Map<Any, String> KNOWN = Collections.synchronizedMap(new WeakHashMap<>());

    static String of(Any resource) {
        String known = KNOWN.get(resource);
        if (known == null) {
            known = hash(resource);
            KNOWN.put(resource, known);
        }
        return known;
    }

    private static String hash(Any resource) {
        MessageDigest digest = sha256();
        digest.update(resource.getTypeUrl().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        resource.getValue().asReadOnlyByteBufferList().forEach(digest::update);
        return HexFormat.of().formatHex(digest.digest(), 0, 8);
    }

    /** The version of a whole set, from its members' versions (sorted by name). */
    static String ofSet(SortedMap<String, String> versionsByName) {
        MessageDigest digest = sha256();
        for (Map.Entry<String, String> entry : versionsByName.entrySet()) {
            digest.update(entry.getKey().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(entry.getValue().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }
        return HexFormat.of().formatHex(digest.digest(), 0, 6);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
