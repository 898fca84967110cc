package dev.weft.proxy.config;

import dev.weft.proxy.route.RouteTable;
import dev.weft.proxy.tls.DownstreamTls;
import java.util.Optional;

/**
 * A listener ready to serve: its config, its HTTP connection manager, its resolved routes and, when
 * its chains terminate TLS, their contexts built from the secrets that had arrived.
 */
public record ActiveListener(ListenerConfig config, HttpConnectionManagerConfig http, RouteTable routes,
        Optional<DownstreamTls> tls) {

    /** A plaintext listener. */
    public ActiveListener(ListenerConfig config, HttpConnectionManagerConfig http, RouteTable routes) {
        this(config, http, routes, Optional.empty());
    }
}
