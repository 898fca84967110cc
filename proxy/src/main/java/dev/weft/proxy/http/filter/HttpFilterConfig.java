package dev.weft.proxy.http.filter;

/**
 * An HTTP filter's typed config, parsed once when the listener arrives (so a bad config is a NACK,
 * not a failed request). Each makes the filter that runs per request.
 */
public sealed interface HttpFilterConfig permits RouterConfig, FaultConfig, CorsConfig {

    /** Envoy's filter name, e.g. {@code envoy.filters.http.router}. */
    String name();

    HttpFilter filter();
}
