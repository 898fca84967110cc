package dev.weft.proxy.route;

import java.util.List;
import java.util.Optional;

/** Envoy's {@code VirtualHost}: domains it answers for and its routes in order. */
public record VirtualHost(String name, List<String> domains, List<Route> routes) {

    public VirtualHost {
        domains = List.copyOf(domains);
        routes = List.copyOf(routes);
    }

    /** The first route that matches, as Envoy does. */
    public Optional<Route> route(RequestView request) {
        for (Route route : routes) {
            if (route.match().matches(request)) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }
}
