package dev.weft.proxy.config;

import java.time.Duration;

/**
 * The listener filters this proxy runs on a new connection before choosing its filter chain.
 *
 * @param originalDst          {@code envoy.filters.listener.original_dst}: the connection's destination is
 *                             its original destination before iptables REDIRECT (SO_ORIGINAL_DST)
 * @param tlsInspector         {@code envoy.filters.listener.tls_inspector}: SNI and ALPN from the ClientHello
 * @param httpInspector        {@code envoy.filters.listener.http_inspector}: HTTP/1.x or h2c from the first bytes
 * @param timeout              {@code listener_filters_timeout} (Envoy's default 15 s) for the inspectors
 * @param continueOnTimeout    {@code continue_on_listener_filters_timeout}: on timeout, choose a chain
 *                             with what is known instead of closing
 */
public record ListenerFiltersConfig(boolean originalDst, boolean tlsInspector, boolean httpInspector,
        Duration timeout, boolean continueOnTimeout) {

    public static final ListenerFiltersConfig NONE = new ListenerFiltersConfig(false, false, false,
            Duration.ofSeconds(15), false);

    /** Whether a connection's first bytes must be read before its chain can be chosen. */
    public boolean inspects() {
        return tlsInspector || httpInspector;
    }
}
