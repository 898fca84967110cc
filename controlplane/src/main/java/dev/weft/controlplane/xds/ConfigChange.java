package dev.weft.controlplane.xds;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * "Configuration changed; these proxies may be affected." The control plane hands these to the xDS
 * server ({@link ConfigChangeSink}); bursts are merged before one push, which recomputes the named
 * proxies' resources and sends only what differs.
 *
 * @param proxyIds node ids of the proxies that may be affected; ignored when {@code allProxies}
 * @param allProxies every connected proxy may be affected
 * @param types the resource types that may have changed; empty means all types
 * @param reason a short text for logs and push statistics (e.g. "VirtualService default/reviews")
 */
public record ConfigChange(Set<String> proxyIds, boolean allProxies, Set<ResourceType> types, String reason) {

    public ConfigChange {
        proxyIds = allProxies ? Set.of() : Set.copyOf(proxyIds);
        types = Set.copyOf(types);
        reason = Objects.requireNonNullElse(reason, "");
    }

    public static ConfigChange all(String reason) {
        return new ConfigChange(Set.of(), true, Set.of(), reason);
    }

    public static ConfigChange proxies(Set<String> proxyIds, String reason) {
        return new ConfigChange(proxyIds, false, Set.of(), reason);
    }

    /** The same change limited to some resource types (e.g. only EDS after an endpoint change). */
    public ConfigChange onlyTypes(Set<ResourceType> onlyTypes) {
        return new ConfigChange(proxyIds, allProxies, onlyTypes, reason);
    }

    public boolean affects(String proxyId) {
        return allProxies || proxyIds.contains(proxyId);
    }

    /** The types to recompute, in push order. */
    public Set<ResourceType> typesOrAll() {
        return types.isEmpty() ? EnumSet.allOf(ResourceType.class) : EnumSet.copyOf(types);
    }

    /** One change covering both: what a debounced burst turns into. */
    public ConfigChange merge(ConfigChange other) {
        boolean all = allProxies || other.allProxies;
        Set<String> ids = new HashSet<>();
        if (!all) {
            ids.addAll(proxyIds);
            ids.addAll(other.proxyIds);
        }
        Set<ResourceType> mergedTypes = types.isEmpty() || other.types.isEmpty()
                ? Set.of()
                : union(types, other.types);
        return new ConfigChange(ids, all, mergedTypes, mergeReasons(reason, other.reason));
    }

    private static final int MAX_REASON_LENGTH = 200;

    // A burst of thousands of changes must not build a megabyte of text: keep the first ones.
    private static String mergeReasons(String a, String b) {
        if (a.isEmpty() || a.equals(b)) {
            return b.isEmpty() ? a : b;
        }
        if (b.isEmpty() || a.endsWith("...")) {
            return a;
        }
        String merged = a + "; " + b;
        return merged.length() <= MAX_REASON_LENGTH ? merged : a + "; ...";
    }

    private static Set<ResourceType> union(Set<ResourceType> a, Set<ResourceType> b) {
        Set<ResourceType> all = EnumSet.noneOf(ResourceType.class);
        all.addAll(a);
        all.addAll(b);
        return all;
    }
}
