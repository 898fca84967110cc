package dev.weft.proxy.config;

/**
 * A filter chain's {@code transport_socket}, converted: {@link DownstreamTlsSocket} is the one
 * implemented. {@code ListenerConverter} keeps the chain's transport socket here and
 * {@code network.NetworkFilters} asks the proxy's {@code network.TransportSocketFactory}
 * ({@code tls.TlsTransportSockets}) for the handler that goes first on the connection's pipeline.
 * Any other transport socket is refused by conversion (never served in plain text).
 */
public interface TransportSocketConfig {

    /** The transport socket's name, e.g. {@code envoy.transport_sockets.tls}. */
    String name();
}
