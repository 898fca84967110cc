package dev.weft.proxy.http.filter;

/** {@code envoy.filters.http.router}: forwards to the route's cluster. Its options are not used yet. */
public record RouterConfig(String name) implements HttpFilterConfig {

    public static final String TYPE_URL = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";

    @Override
    public HttpFilter filter() {
        return RouterFilter.INSTANCE;
    }
}
