package dev.weft.proxy.http.filter;

import dev.weft.proxy.route.StringMatcher;
import java.util.List;
import java.util.Optional;

/**
 * {@code envoy.filters.http.cors}. As Istio installs it, the filter itself has no settings: the
 * policy comes per route or virtual host ({@code typed_per_filter_config}, a CorsPolicy), and that
 * per-route config is a CorsConfig with its {@code policy} set.
 */
public record CorsConfig(String name, Optional<Policy> policy) implements HttpFilterConfig {

    public static final String TYPE_URL = "type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors";
    public static final String POLICY_TYPE_URL = "type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy";

    public CorsConfig(String name) {
        this(name, Optional.empty());
    }

    /**
     * Envoy's {@code CorsPolicy}.
     *
     * @param allowOrigins                 origins allowed ({@code *} as an exact match allows any)
     * @param allowMethods                 {@code access-control-allow-methods} ("" for none)
     * @param allowHeaders                 {@code access-control-allow-headers}
     * @param exposeHeaders                {@code access-control-expose-headers}
     * @param maxAge                       {@code access-control-max-age}
     * @param allowCredentials             sends {@code access-control-allow-credentials: true}
     * @param enabled                      {@code filter_enabled} (default 100%)
     * @param forwardNotMatchingPreflights preflights from origins not allowed go upstream (default
     *                                     true) rather than answered 200 without CORS headers
     */
    public record Policy(List<StringMatcher> allowOrigins, String allowMethods, String allowHeaders,
            String exposeHeaders, String maxAge, boolean allowCredentials, FaultConfig.Fraction enabled,
            boolean forwardNotMatchingPreflights) {
        public Policy {
            allowOrigins = List.copyOf(allowOrigins);
        }
    }

    @Override
    public HttpFilter filter() {
        return new CorsFilter(name);
    }
}
