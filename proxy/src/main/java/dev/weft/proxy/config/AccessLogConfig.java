package dev.weft.proxy.config;

/**
 * An {@code envoy.access_loggers.file} access log of an HTTP connection manager: one line per request
 * in Envoy's default format, appended to {@code path} ({@code /dev/stdout} and {@code /dev/stderr}
 * are the process's own streams).
 */
public record AccessLogConfig(String path) {

    public static final String FILE_LOGGER = "envoy.access_loggers.file";

    public AccessLogConfig {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("path must not be empty");
        }
    }
}
