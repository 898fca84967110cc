package dev.weft.proxy.http.filter;

/**
 * {@code envoy.filters.http.cors} as Istio installs it: the filter itself has no settings, the
 * policies are per route. Per-route CORS policies are refused at conversion (not implemented yet),
 * so the filter has nothing to do and passes requests on.
 */
public record CorsConfig(String name) implements HttpFilterConfig {

    public static final String TYPE_URL = "type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors";

    @Override
    public HttpFilter filter() {
        return (exchange, chain) -> chain.proceed(exchange);
    }
}
