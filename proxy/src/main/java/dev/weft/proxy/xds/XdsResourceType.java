package dev.weft.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.weft.proxy.config.ClusterConfig;
import dev.weft.proxy.config.ClusterConverter;
import dev.weft.proxy.config.ConversionException;
import dev.weft.proxy.config.EndpointConverter;
import dev.weft.proxy.config.EndpointsConfig;
import dev.weft.proxy.config.ListenerConfig;
import dev.weft.proxy.config.ListenerConverter;
import dev.weft.proxy.config.ProtoTypes;
import dev.weft.proxy.config.RouteConverter;
import dev.weft.proxy.config.TlsConverter;
import dev.weft.proxy.route.RouteTable;
import dev.weft.proxy.tls.TlsSecret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.List;
import java.util.function.Function;

/**
 * One xDS resource type: its type URL, whether a subscription is a wildcard, and how a resource is
 * named and converted to its domain type ({@code T}). As grpc-java's XdsResourceType: parsing is a
 * static, testable step whose error text becomes the NACK.
 */
public final class XdsResourceType<T> {

    /** A message's conversion, which may refuse it. */
    @FunctionalInterface
    interface Converter<M, T> {
        T convert(M message) throws ConversionException;
    }

    public static final XdsResourceType<ClusterConfig> CLUSTER = new XdsResourceType<>("CDS", "Cluster",
            Cluster.class, true, Cluster::getName, ClusterConverter::convert);
    public static final XdsResourceType<EndpointsConfig> ENDPOINT = new XdsResourceType<>("EDS",
            "ClusterLoadAssignment", ClusterLoadAssignment.class, false, ClusterLoadAssignment::getClusterName,
            EndpointConverter::convert);
    public static final XdsResourceType<ListenerConfig> LISTENER = new XdsResourceType<>("LDS", "Listener",
            Listener.class, true, Listener::getName, ListenerConverter::convert);
    public static final XdsResourceType<RouteTable> ROUTE = new XdsResourceType<>("RDS", "RouteConfiguration",
            RouteConfiguration.class, false, RouteConfiguration::getName, RouteConverter::convert);
    /**
     * VHDS (delta ADS only): the virtual hosts of route configurations that carry {@code vhds},
     * subscribed by route configuration name and named {@code <route configuration>/<host>}. Each is
     * checked on arrival and kept as received; {@link XdsState#routeTable} joins them to their route
     * configuration.
     */
    public static final XdsResourceType<dev.weft.proxy.route.VirtualHost> VIRTUAL_HOST =
            new XdsResourceType<>("VHDS", "VirtualHost", io.envoyproxy.envoy.config.route.v3.VirtualHost.class, false,
                    io.envoyproxy.envoy.config.route.v3.VirtualHost::getName, RouteConverter::vhdsVirtualHost);
    /** SDS over the ADS stream: the secrets listeners and clusters name ({@code kubernetes://<credentialName>}). */
    public static final XdsResourceType<TlsSecret> SECRET = new XdsResourceType<>("SDS", "Secret",
            Secret.class, false, Secret::getName, TlsConverter::secret);

    /** In the order a state-of-the-world client subscribes (clusters before listeners, as Envoy). */
    public static final List<XdsResourceType<?>> ALL = List.of(CLUSTER, ENDPOINT, LISTENER, ROUTE, VIRTUAL_HOST, SECRET);

    private final String shortName;
    private final String kind;
    private final String typeUrl;
    private final boolean wildcard;
    private final Parser<T> parser;

    private <M extends Message> XdsResourceType(String shortName, String kind, Class<M> messageType,
            boolean wildcard, Function<M, String> name, Converter<M, T> converter) {
        this.shortName = shortName;
        this.kind = kind;
        this.wildcard = wildcard;
        // Named and parsed without building descriptors (see ProtoTypes: a proxy's start cost).
        this.typeUrl = ProtoTypes.typeUrl(messageType);
        this.parser = any -> {
            M message;
            try {
                message = ProtoTypes.unpack(any, messageType);
            } catch (InvalidProtocolBufferException e) {
                throw new ResourceException("", "cannot decode a " + kind + " from " + any.getTypeUrl() + ": "
                        + e.getMessage());
            }
            String resourceName = name.apply(message);
            try {
                return new Resource<>(resourceName, any, converter.convert(message));
            } catch (ConversionException e) {
                throw new ResourceException(resourceName, e.getMessage());
            } catch (RuntimeException e) {
                throw new ResourceException(resourceName, "cannot convert: " + e);
            }
        };
    }

    @FunctionalInterface
    private interface Parser<T> {
        Resource<T> parse(Any any) throws ResourceException;
    }

    /** An accepted resource: its name, the resource as received (for config_dump) and its domain value. */
    public record Resource<T>(String name, Any raw, T config) {
    }

    /** A resource that cannot be used: its name ("" if it could not even be decoded) and why. */
    public static final class ResourceException extends Exception {
        private final String resourceName;

        ResourceException(String resourceName, String message) {
            super(message, null, false, false);
            this.resourceName = resourceName;
        }

        public String resourceName() {
            return resourceName;
        }
    }

    public Resource<T> parse(Any any) throws ResourceException {
        return parser.parse(any);
    }

    public String typeUrl() {
        return typeUrl;
    }

    /** LDS, RDS, VHDS, CDS, EDS, SDS. */
    public String shortName() {
        return shortName;
    }

    /** Listener, RouteConfiguration, Cluster, ClusterLoadAssignment: how NACK messages name resources. */
    public String kind() {
        return kind;
    }

    /** LDS and CDS subscribe to everything; RDS and EDS name what they want. */
    public boolean wildcard() {
        return wildcard;
    }

    @Override
    public String toString() {
        return shortName;
    }
}
