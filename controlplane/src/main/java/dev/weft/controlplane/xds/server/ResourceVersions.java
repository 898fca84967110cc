package dev.weft.controlplane.xds.server;

import com.google.protobuf.Any;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;

/**
 * Content versions. A resource's version is a hash of its bytes, so an unchanged resource keeps its
 * version across pushes, restarts and control-plane replicas, and "did it change" is a string
 * comparison. A response's version is a hash of the (name, version) pairs it carries.
 */
final class ResourceVersions {

    private ResourceVersions() {
    }

    static String of(Any resource) {
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
