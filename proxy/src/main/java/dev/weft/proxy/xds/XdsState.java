package dev.weft.proxy.xds;

import dev.weft.proxy.config.ClusterConfig;
import dev.weft.proxy.config.EndpointsConfig;
import dev.weft.proxy.config.ListenerConfig;
import dev.weft.proxy.route.RouteTable;
import dev.weft.proxy.xds.XdsResourceType.Resource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The last accepted resources of each type, with the version and nonce of each type's last
 * response. Confined to the xDS client's thread; {@link #dump} hands out immutable copies.
 */
final class XdsState {

    /** One type's bookkeeping. */
    static final class TypeState<T> {
        final XdsResourceType<T> type;
        final Map<String, Resource<T>> resources = new LinkedHashMap<>();
        /** Names subscribed to (RDS/EDS); ignored for wildcard types. */
        final Set<String> subscribed = new TreeSet<>();
        String acceptedVersion = "";
        String lastNonce = "";
        boolean received;
        String lastError = "";

        TypeState(XdsResourceType<T> type) {
            this.type = type;
        }
    }

    final TypeState<ClusterConfig> clusters = new TypeState<>(XdsResourceType.CLUSTER);
    final TypeState<EndpointsConfig> endpoints = new TypeState<>(XdsResourceType.ENDPOINT);
    final TypeState<ListenerConfig> listeners = new TypeState<>(XdsResourceType.LISTENER);
    final TypeState<RouteTable> routes = new TypeState<>(XdsResourceType.ROUTE);

    @SuppressWarnings("unchecked")
    <T> TypeState<T> of(XdsResourceType<T> type) {
        if (type == XdsResourceType.CLUSTER) {
            return (TypeState<T>) clusters;
        } else if (type == XdsResourceType.ENDPOINT) {
            return (TypeState<T>) endpoints;
        } else if (type == XdsResourceType.LISTENER) {
            return (TypeState<T>) listeners;
        }
        return (TypeState<T>) routes;
    }

    /** The route configurations the accepted listeners refer to. */
    Set<String> wantedRoutes() {
        Set<String> names = new TreeSet<>();
        listeners.resources.values().forEach(listener -> names.addAll(listener.config().rdsNames()));
        return names;
    }

    /** The endpoint assignments the accepted EDS clusters refer to. */
    Set<String> wantedEndpoints() {
        Set<String> names = new TreeSet<>();
        clusters.resources.values().forEach(cluster -> {
            if (cluster.config().discovery() == ClusterConfig.Discovery.EDS) {
                names.add(cluster.config().edsName());
            }
        });
        return names;
    }

    XdsDump dump() {
        Map<String, XdsDump.TypeDump> types = new LinkedHashMap<>();
        for (XdsResourceType<?> type : XdsResourceType.ALL) {
            TypeState<?> state = of(type);
            Map<String, com.google.protobuf.Any> raw = new LinkedHashMap<>();
            state.resources.values().forEach(resource -> raw.put(resource.name(), resource.raw()));
            types.put(type.shortName(), new XdsDump.TypeDump(type.typeUrl(), state.acceptedVersion, raw,
                    state.lastError));
        }
        return new XdsDump(types);
    }
}
