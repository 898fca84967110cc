package dev.weft.proxy.config;

import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import java.util.Optional;

/**
 * A filter chain's {@code transport_socket} to {@link TransportSocketConfig}: plain text
 * ({@code raw_buffer}) or downstream TLS ({@link DownstreamTlsSocket}, served by
 * {@code tls.TlsTransportSockets}). Any other transport socket is refused, so a chain is never
 * served in plain text when it asks for something else.
 */
final class TransportSockets {

    static final String RAW_BUFFER = "envoy.transport_sockets.raw_buffer";

    private TransportSockets() {
    }

    /** Empty for plain text ({@code raw_buffer}). */
    static Optional<TransportSocketConfig> convert(TransportSocket socket, String field) throws ConversionException {
        if (socket.getName().equals(RAW_BUFFER)) {
            return Optional.empty();
        }
        // TlsConverter refuses any other transport socket with a message naming it.
        return TlsConverter.downstream(socket, field).map(DownstreamTlsSocket::new);
    }
}
