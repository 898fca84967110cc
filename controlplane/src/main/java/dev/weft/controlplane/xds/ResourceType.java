package dev.weft.controlplane.xds;

import java.util.Optional;

/**
 * The xDS resource types Weft serves, in the order a push sends them: clusters before their
 * endpoints, listeners before their routes, so a proxy never sees a reference to something it has
 * not been given yet (Envoy's "make before break" ordering for ADS).
 */
public enum ResourceType {
    CLUSTER("type.googleapis.com/envoy.config.cluster.v3.Cluster", "CDS", true),
    ENDPOINT("type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment", "EDS", false),
    LISTENER("type.googleapis.com/envoy.config.listener.v3.Listener", "LDS", true),
    ROUTE("type.googleapis.com/envoy.config.route.v3.RouteConfiguration", "RDS", false),
    /**
     * VHDS: the virtual hosts of large route configurations, on delta streams only (Envoy requires the
     * delta protocol for it). Subscribed by route configuration name; see {@code VhdsSplit}.
     */
    VIRTUAL_HOST("type.googleapis.com/envoy.config.route.v3.VirtualHost", "VHDS", false),
    SECRET("type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret", "SDS", false);

    private final String typeUrl;
    private final String shortName;
    private final boolean wildcardByDefault;

    ResourceType(String typeUrl, String shortName, boolean wildcardByDefault) {
        this.typeUrl = typeUrl;
        this.shortName = shortName;
        this.wildcardByDefault = wildcardByDefault;
    }

    /** The type URL on the wire and inside each resource's {@code Any}. */
    public String typeUrl() {
        return typeUrl;
    }

    /** CDS, EDS, LDS, RDS, VHDS, SDS: what {@code weft proxy-status} prints as column headings. */
    public String shortName() {
        return shortName;
    }

    /**
     * Whether a subscription naming no resources means "all of them" (LDS and CDS). For the other
     * types the proxy names what it wants (the routes its listeners refer to, the clusters' endpoints).
     */
    public boolean wildcardByDefault() {
        return wildcardByDefault;
    }

    public static Optional<ResourceType> ofTypeUrl(String typeUrl) {
        for (ResourceType type : values()) {
            if (type.typeUrl.equals(typeUrl)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
