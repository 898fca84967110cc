package dev.weft.proxy.config;

/**
 * A filter chain's {@code transport_socket} (downstream TLS, ...), converted. The seam for TLS:
 * {@code ListenerConverter} keeps the chain's transport socket here and
 * {@code network.TransportSockets} asks its factory for the handler that goes first on the
 * connection's pipeline. Until a transport socket is implemented, a chain that asks for one is
 * refused by conversion (never served in plain text).
 */
public interface TransportSocketConfig {

    /** The transport socket's name, e.g. {@code envoy.transport_sockets.tls}. */
    String name();
}
