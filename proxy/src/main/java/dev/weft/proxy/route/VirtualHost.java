package dev.weft.proxy.route;

import java.util.List;
import java.util.Optional;

/**
 * Envoy's {@code VirtualHost}: domains it answers for and its routes in order.
 *
 * @param requireTls {@code require_tls} ALL or EXTERNAL_ONLY (a gateway's requests are all external):
 *                   a request that did not arrive over TLS is redirected to https (Istio's httpsRedirect)
 */
public record VirtualHost(String name, List<String> domains, List<Route> routes, boolean requireTls) {

    public VirtualHost {
        domains = List.copyOf(domains);
        routes = List.copyOf(routes);
    }

    public VirtualHost(String name, List<String> domains, List<Route> routes) {
        this(name, domains, routes, false);
    }

    /**
     * This virtual host with {@code request} and {@code response} (a route configuration's header
     * mutations) applied to each route after its own levels; itself when both are empty.
     */
    public VirtualHost withOutermostHeaders(HeaderMutation request, HeaderMutation response) {
        if (request.isEmpty() && response.isEmpty()) {
            return this;
        }
        List<Route> joined = new java.util.ArrayList<>(routes.size());
        for (Route route : routes) {
            List<HeaderMutation> requestHeaders = new java.util.ArrayList<>(route.requestHeaders());
            requestHeaders.add(request);
            List<HeaderMutation> responseHeaders = new java.util.ArrayList<>(route.responseHeaders());
            responseHeaders.add(response);
            joined.add(new Route(route.name(), route.match(), route.action(), route.filterOverrides(),
                    requestHeaders, responseHeaders));
        }
        return new VirtualHost(name, domains, joined, requireTls);
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
