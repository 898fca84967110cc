package dev.weft.proxy.bootstrap;

/**
 * Which ADS protocol the proxy speaks, by the names of Envoy's {@code ads_config.api_type}:
 * state of the world ({@code GRPC}, the default, what every control plane serves) or incremental
 * ({@code DELTA_GRPC}: only changed resources travel, and the proxy subscribes and unsubscribes
 * names one by one).
 */
public enum XdsApi {
    GRPC,
    DELTA_GRPC;

    /** The value of a bootstrap's {@code xds.api_type}, or null when it is not one of the names. */
    public static XdsApi parse(String text) {
        for (XdsApi api : values()) {
            if (api.name().equalsIgnoreCase(text)) {
                return api;
            }
        }
        return null;
    }
}
