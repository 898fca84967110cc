package dev.weft.proxy.route;

import dev.weft.proxy.http.filter.HttpFilterConfig;
import java.util.Map;

/**
 * One route of a virtual host: first match wins.
 *
 * @param filterOverrides {@code typed_per_filter_config} by HTTP filter name, the virtual host's
 *                        merged under the route's (the most specific wins, as in Envoy); a filter
 *                        that finds its name here uses that config instead of its own
 */
public record Route(String name, RouteMatch match, RouteAction action, Map<String, HttpFilterConfig> filterOverrides) {

    public Route {
        filterOverrides = Map.copyOf(filterOverrides);
    }

    public Route(String name, RouteMatch match, RouteAction action) {
        this(name, match, action, Map.of());
    }
}
