package dev.weft.proxy.config;

import dev.weft.proxy.route.RouteTable;
import java.util.Map;

/**
 * A listener ready to serve: its config and the route tables its HTTP connection managers named
 * by RDS. {@link #http} gives one chain's HTTP connection manager with its routes.
 */
public record WarmListener(ListenerConfig config, Map<String, RouteTable> rdsRoutes) {

    public WarmListener {
        rdsRoutes = Map.copyOf(rdsRoutes);
    }

    /** The HTTP connection manager {@code hcm} (one of this listener's) with its resolved routes. */
    public ActiveListener http(HttpConnectionManagerConfig hcm) {
        RouteTable routes = switch (hcm.routes()) {
            case RouteSource.Inline inline -> inline.table();
            case RouteSource.Rds rds -> rdsRoutes.get(rds.name());
        };
        return new ActiveListener(config, hcm, routes);
    }
}
