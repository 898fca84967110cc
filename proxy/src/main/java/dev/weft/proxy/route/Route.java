package dev.weft.proxy.route;

import dev.weft.proxy.http.filter.HttpFilterConfig;
import java.util.List;
import java.util.Map;

/**
 * One route of a virtual host: first match wins.
 *
 * @param filterOverrides {@code typed_per_filter_config} by HTTP filter name, the virtual host's
 *                        merged under the route's (the most specific wins, as in Envoy); a filter
 *                        that finds its name here uses that config instead of its own
 * @param requestHeaders  header mutations for the upstream request: route, virtual host, route
 *                        configuration (most specific first, the order Envoy applies them)
 * @param responseHeaders the same for the response
 */
public record Route(String name, RouteMatch match, RouteAction action, Map<String, HttpFilterConfig> filterOverrides,
        List<HeaderMutation> requestHeaders, List<HeaderMutation> responseHeaders) {

    public Route {
        filterOverrides = Map.copyOf(filterOverrides);
        requestHeaders = requestHeaders.stream().filter(level -> !level.isEmpty()).toList();
        responseHeaders = responseHeaders.stream().filter(level -> !level.isEmpty()).toList();
    }

    public Route(String name, RouteMatch match, RouteAction action, Map<String, HttpFilterConfig> filterOverrides) {
        this(name, match, action, filterOverrides, List.of(), List.of());
    }

    public Route(String name, RouteMatch match, RouteAction action) {
        this(name, match, action, Map.of());
    }
}
