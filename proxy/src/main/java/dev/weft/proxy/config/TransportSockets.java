package dev.weft.proxy.config;

import io.envoyproxy.envoy.config.core.v3.TransportSocket;

/**
 * A filter chain's {@code transport_socket} to {@link TransportSocketConfig}. This is where
 * downstream TLS plugs in: convert {@code envoy.transport_sockets.tls} here into a
 * {@link TransportSocketConfig} and give {@code network.TransportSockets} a factory for it. Until
 * then a chain asking for one is refused, so a TLS chain is never served in plain text.
 */
final class TransportSockets {

    static final String RAW_BUFFER = "envoy.transport_sockets.raw_buffer";

    private TransportSockets() {
    }

    /** Empty for plain text ({@code raw_buffer}). */
    static java.util.Optional<TransportSocketConfig> convert(TransportSocket socket, String field)
            throws ConversionException {
        if (socket.getName().equals(RAW_BUFFER)) {
            return java.util.Optional.empty();
        }
        throw new ConversionException(field + ": " + socket.getName() + " is not supported by weft-proxy yet");
    }
}
