package dev.weft.controlplane.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.Vhds;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * VHDS (Envoy's Virtual Host Discovery Service) form of translated route configurations: a large
 * RouteConfiguration is sent without its virtual hosts, carrying {@code vhds: {config_source: {ads:
 * {}}}} instead, and each virtual host becomes its own {@code VirtualHost} resource, so that a change
 * to one service's routing moves one virtual host to each proxy instead of every virtual host.
 *
 * <p>Naming follows Envoy (configuration/http/http_conn_man/vhds): a virtual host resource is named
 * {@code <route configuration name>/<host entry>}, the host entry being the virtual host's first
 * domain; the VirtualHost inside carries that same name (Envoy keys received virtual hosts and the
 * removed_resources of a VHDS response by the VirtualHost's name). A proxy subscribes to the
 * VirtualHost type with the route configuration's name and receives every virtual host in that
 * namespace (Envoy's VhdsSubscription, namespace matching).
 *
 * <p>Pure: the translator's RouteConfigurations are untouched; the server applies this to what a
 * delta stream is sent ({@code DeltaConnection}), and {@link #merge} puts the virtual hosts back for
 * {@code weft proxy-config routes}.
 */
public final class VhdsSplit {

    public static final String VIRTUAL_HOST_TYPE_URL = "type.googleapis.com/envoy.config.route.v3.VirtualHost";

    private static final Vhds VHDS = Vhds.newBuilder().setConfigSource(ConfigSource.newBuilder()
            .setAds(AggregatedConfigSource.getDefaultInstance())
            .setResourceApiVersion(ApiVersion.V3)).build();

    private VhdsSplit() {
    }

    /**
     * The route configurations by name (those with at least {@code minVirtualHosts} virtual hosts in
     * VHDS form, the others as they were) and the virtual host resources by name.
     */
    public record Split(Map<String, Any> routes, Map<String, Any> virtualHosts) {
        public Split {
            routes = Collections.unmodifiableMap(routes);
            virtualHosts = Collections.unmodifiableMap(virtualHosts);
        }
    }

    /**
     * Splits every route configuration of {@code routes} with at least {@code minVirtualHosts}
     * virtual hosts (a value below 1 means none: everything stays as it is).
     */
    public static Split split(Map<String, Any> routes, int minVirtualHosts) {
        TreeMap<String, Any> outRoutes = new TreeMap<>();
        TreeMap<String, Any> virtualHosts = new TreeMap<>();
        routes.forEach((name, packed) -> {
            Optional<RouteConfiguration> parsed = minVirtualHosts < 1 ? Optional.empty() : unpack(packed);
            if (parsed.isEmpty() || parsed.get().getVirtualHostsCount() < minVirtualHosts) {
                outRoutes.put(name, packed);
                return;
            }
            RouteConfiguration config = parsed.get();
            for (VirtualHost virtualHost : config.getVirtualHostsList()) {
                String resourceName = resourceName(config.getName(), virtualHost);
                virtualHosts.put(resourceName, Any.pack(virtualHost.toBuilder().setName(resourceName).build()));
            }
            outRoutes.put(name, Any.pack(config.toBuilder().clearVirtualHosts().setVhds(VHDS).build()));
        });
        return new Split(outRoutes, virtualHosts);
    }

    /** {@code <route configuration name>/<first domain>} (the virtual host's name if it has no domain). */
    public static String resourceName(String routeConfiguration, VirtualHost virtualHost) {
        String host = virtualHost.getDomainsCount() > 0 ? virtualHost.getDomains(0) : virtualHost.getName();
        return routeConfiguration + "/" + host;
    }

    /** The route configuration a virtual host resource belongs to: its name up to the last '/'. */
    public static Optional<String> namespaceOf(String virtualHostResource) {
        int slash = virtualHostResource.lastIndexOf('/');
        return slash < 0 ? Optional.empty() : Optional.of(virtualHostResource.substring(0, slash));
    }

    /**
     * The route configurations as the proxy assembles them: each VHDS one with the virtual hosts of
     * its namespace appended (Envoy's order: its own virtual hosts, then VHDS ones by name).
     */
    public static Map<String, Any> merge(Map<String, Any> routes, Map<String, Any> virtualHosts) {
        TreeMap<String, Any> out = new TreeMap<>();
        routes.forEach((name, packed) -> {
            Optional<RouteConfiguration> parsed = unpack(packed);
            if (parsed.isEmpty() || !parsed.get().hasVhds()) {
                out.put(name, packed);
                return;
            }
            RouteConfiguration.Builder merged = parsed.get().toBuilder();
            new TreeMap<>(virtualHosts).forEach((vhName, vh) -> {
                if (namespaceOf(vhName).filter(parsed.get().getName()::equals).isPresent()) {
                    try {
                        merged.addVirtualHosts(vh.unpack(VirtualHost.class));
                    } catch (InvalidProtocolBufferException e) {
                        // not a VirtualHost: nothing to show
                    }
                }
            });
            out.put(name, Any.pack(merged.build()));
        });
        return out;
    }

    private static Optional<RouteConfiguration> unpack(Any packed) {
        try {
            return Optional.of(packed.unpack(RouteConfiguration.class));
        } catch (InvalidProtocolBufferException e) {
            return Optional.empty(); // not a RouteConfiguration: the server reports it when sending
        }
    }
}
