package dev.weft.proxy.xds;

import dev.weft.proxy.config.ClusterConfig;
import dev.weft.proxy.config.EndpointsConfig;
import dev.weft.proxy.config.ListenerConfig;
import dev.weft.proxy.route.RouteTable;
import dev.weft.proxy.tls.TlsSecret;
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
        }
        return (TypeState<T>) routes;
    }

    /** The route configurations the accepted listeners refer to. */
    Set<String> wantedRoutes() {
        Set<String> names = new TreeSet<>();
        listeners.resources.values().forEach(listener -> names.addAll(listener.config().rdsNames()));
        return names;
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
