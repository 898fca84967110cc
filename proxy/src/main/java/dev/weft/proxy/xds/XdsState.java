package dev.weft.proxy.xds;

import dev.weft.proxy.config.ClusterConfig;
import dev.weft.proxy.config.EndpointsConfig;
import dev.weft.proxy.config.ListenerConfig;
import dev.weft.proxy.route.RouteTable;
import dev.weft.proxy.tls.TlsSecret;
import dev.weft.proxy.xds.XdsResourceType.Resource;
import java.util.LinkedHashMap;
import java.util.List;
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
        /** Delta: each held resource's version, as the server gave it (sent back on reconnect). */
        final Map<String, String> versions = new java.util.TreeMap<>();
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
    /** VHDS virtual hosts, each converted once on arrival (without its route configuration's settings). */
    final TypeState<dev.weft.proxy.route.VirtualHost> virtualHosts = new TypeState<>(XdsResourceType.VIRTUAL_HOST);
    /**
     * VHDS namespaces (route configuration names) subscribed to that no VHDS response has answered
     * yet: their route configuration warms until one does, as Envoy's waits for VHDS's first update.
     */
    final Set<String> vhdsPending = new TreeSet<>();
    /** Per VHDS route configuration: its table joined with its virtual hosts ({@link #joinVirtualHosts}). */
    private final Map<String, VhdsTable> vhdsTables = new java.util.HashMap<>();

    /**
     * @param base  the route configuration the table was built from
     * @param hosts the VHDS virtual hosts it was built with, in order
     */
    private record VhdsTable(Resource<RouteTable> base, List<dev.weft.proxy.route.VirtualHost> hosts, RouteTable table) {
    }
    final TypeState<TlsSecret> secrets = new TypeState<>(XdsResourceType.SECRET);
    /** TLS contexts built by the last assembly, reused while their inputs stay equal (see TlsAssembly). */
    TlsAssembly tls = new TlsAssembly();

    @SuppressWarnings("unchecked")
    <T> TypeState<T> of(XdsResourceType<T> type) {
        if (type == XdsResourceType.CLUSTER) {
            return (TypeState<T>) clusters;
        } else if (type == XdsResourceType.ENDPOINT) {
            return (TypeState<T>) endpoints;
        } else if (type == XdsResourceType.LISTENER) {
            return (TypeState<T>) listeners;
        } else if (type == XdsResourceType.SECRET) {
            return (TypeState<T>) secrets;
        } else if (type == XdsResourceType.VIRTUAL_HOST) {
            return (TypeState<T>) virtualHosts;
        }
        return (TypeState<T>) routes;
    }

    /** The route configurations the accepted listeners refer to. */
    Set<String> wantedRoutes() {
        Set<String> names = new TreeSet<>();
        listeners.resources.values().forEach(listener -> names.addAll(listener.config().rdsNames()));
        return names;
    }

    /** The VHDS namespaces to subscribe to: the names of the accepted route configurations that use VHDS. */
    Set<String> wantedVirtualHosts() {
        Set<String> names = new TreeSet<>();
        routes.resources.values().forEach(route -> {
            if (route.config().vhds()) {
                names.add(route.name());
            }
        });
        return names;
    }

    /** The route configuration a VHDS virtual host resource belongs to: its name up to the last '/'. */
    static String vhdsNamespace(String virtualHostName) {
        int slash = virtualHostName.lastIndexOf('/');
        return slash < 0 ? "" : virtualHostName.substring(0, slash);
    }

    /**
     * The table of a route configuration as listeners use it: an RDS one as accepted, a VHDS one
     * joined with its virtual hosts. Null while it is missing, or (VHDS) waits for its first virtual
     * hosts or could not be joined yet.
     */
    RouteTable routeTable(String name) {
        Resource<RouteTable> route = routes.resources.get(name);
        if (route == null) {
            return null;
        }
        if (!route.config().vhds()) {
            return route.config();
        }
        VhdsTable joined = vhdsTables.get(name);
        return joined == null || vhdsPending.contains(name) ? null : joined.table();
    }

    /**
     * Joins each VHDS route configuration with the virtual hosts of its namespace (sorted by name, as
     * Envoy keeps them; each converted once, when it arrived), where either changed; the route
     * configuration's own settings are applied here. Returns one error per route configuration that
     * cannot be built: it keeps its previous table.
     */
    List<String> joinVirtualHosts() {
        Map<String, List<dev.weft.proxy.route.VirtualHost>> byNamespace = new java.util.HashMap<>();
        new java.util.TreeMap<>(virtualHosts.resources).forEach((name, resource) -> byNamespace
                .computeIfAbsent(vhdsNamespace(name), n -> new java.util.ArrayList<>()).add(resource.config()));
        List<String> errors = new java.util.ArrayList<>();
        Set<String> vhdsRoutes = new TreeSet<>();
        for (Resource<RouteTable> route : routes.resources.values()) {
            if (!route.config().vhds()) {
                continue;
            }
            vhdsRoutes.add(route.name());
            VhdsTable old = vhdsTables.get(route.name());
            List<dev.weft.proxy.route.VirtualHost> hosts = byNamespace.getOrDefault(route.name(), List.of());
            if (old != null && old.base() == route && sameInstances(old.hosts(), hosts)) {
                continue;
            }
            try {
                var config = route.raw().unpack(io.envoyproxy.envoy.config.route.v3.RouteConfiguration.class);
                RouteTable table = dev.weft.proxy.config.RouteConverter.convert(config, hosts);
                vhdsTables.put(route.name(), new VhdsTable(route, List.copyOf(hosts), table));
            } catch (dev.weft.proxy.config.ConversionException | com.google.protobuf.InvalidProtocolBufferException e) {
                errors.add("RouteConfiguration " + route.name() + " with its VHDS virtual hosts: " + e.getMessage());
            }
        }
        vhdsTables.keySet().retainAll(vhdsRoutes);
        return errors;
    }

    private static boolean sameInstances(List<?> a, List<?> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    /** The SDS secrets the accepted listeners and clusters refer to. */
    Set<String> wantedSecrets() {
        Set<String> names = new TreeSet<>();
        listeners.resources.values().forEach(listener -> names.addAll(listener.config().sdsNames()));
        clusters.resources.values().forEach(cluster -> cluster.config().tls().ifPresent(t -> names.addAll(t.sdsNames())));
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

    /** A secret as /config_dump shows it: private keys replaced by "[redacted]", as Envoy does. */
    private static com.google.protobuf.Any redacted(com.google.protobuf.Any raw) {
        try {
            var secret = dev.weft.proxy.config.ProtoTypes.unpack(raw,
                    io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret.class);
            if (!secret.hasTlsCertificate()) {
                return raw;
            }
            var builder = secret.toBuilder();
            builder.getTlsCertificateBuilder().setPrivateKey(
                    io.envoyproxy.envoy.config.core.v3.DataSource.newBuilder().setInlineString("[redacted]"));
            return com.google.protobuf.Any.pack(builder.build());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return com.google.protobuf.Any.getDefaultInstance();
        }
    }

    XdsDump dump() {
        Map<String, XdsDump.TypeDump> types = new LinkedHashMap<>();
        for (XdsResourceType<?> type : XdsResourceType.ALL) {
            TypeState<?> state = of(type);
            Map<String, com.google.protobuf.Any> raw = new LinkedHashMap<>();
            state.resources.values().forEach(resource -> raw.put(resource.name(),
                    type == XdsResourceType.SECRET ? redacted(resource.raw()) : resource.raw()));
            types.put(type.shortName(), new XdsDump.TypeDump(type.typeUrl(), state.acceptedVersion, raw,
                    state.lastError));
        }
        return new XdsDump(types);
    }
}
