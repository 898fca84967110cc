package dev.weft.controlplane.xds.server;

import com.google.protobuf.Any;
import dev.weft.controlplane.xds.ResourceType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The recent {@link Selection}s, by resource type, translated map (by identity: translation hands
 * the proxies that see the mesh alike the same immutable map) and subscription. Least recently used
 * entries go first; a miss only costs what computing the selection for one stream always cost.
 */
final class Selections {

    private static final int MAX_ENTRIES = 256;

    private record Key(ResourceType type, Identity generated, boolean wildcard, List<String> names) {}

    /** Compares the wrapped object by identity (a map's own equals would compare every entry). */
    private static final class Identity {
        private final Object object;

        Identity(Object object) {
            this.object = object;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Identity other && other.object == object;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(object);
        }
    }

    private final Map<Key, Selection> recent = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Selection> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /** The selection of a subscription ({@code wildcard}, else {@code names}) from {@code generated}. */
    Selection get(ResourceType type, Map<String, Any> generated, boolean wildcard, Set<String> names,
            Supplier<Selection> compute) {
        Key key = new Key(type, new Identity(generated), wildcard, wildcard ? List.of() : List.copyOf(names));
        Selection known;
        synchronized (recent) {
            known = recent.get(key);
        }
        if (known != null) {
            return known;
        }
        // Computed outside the lock: streams with other subscriptions must not wait for this one.
        Selection computed = compute.get();
        synchronized (recent) {
            Selection raced = recent.putIfAbsent(key, computed);
            return raced != null ? raced : computed;
        }
    }
}
