package dev.weft.proxy.network;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * What is known of a new downstream connection when its filter chain is chosen: addresses (the
 * destination is the original one when original_dst captured it) and what the listener filters
 * detected.
 *
 * @param source               the peer address
 * @param destination          where the client connected to: SO_ORIGINAL_DST when captured, else the
 *                             socket's local address
 * @param originalDestination  whether {@code destination} came from SO_ORIGINAL_DST
 * @param transportProtocol    "tls" when tls_inspector saw a ClientHello, else "raw_buffer"
 * @param serverName           SNI from the ClientHello, lower case; empty when none
 * @param applicationProtocols ALPN from the ClientHello, or what http_inspector detected
 *                             ("http/1.0", "http/1.1", "h2c")
 */
public record ConnectionInfo(InetSocketAddress source, InetSocketAddress destination, boolean originalDestination,
        String transportProtocol, String serverName, List<String> applicationProtocols) {

    public static final String RAW_BUFFER = "raw_buffer";
    public static final String TLS = "tls";

    public ConnectionInfo {
        applicationProtocols = List.copyOf(applicationProtocols);
    }

    public static ConnectionInfo of(InetSocketAddress source, InetSocketAddress destination, boolean original) {
        return new ConnectionInfo(source, destination, original, RAW_BUFFER, "", List.of());
    }

    public ConnectionInfo withTls(String sni, List<String> alpn) {
        return new ConnectionInfo(source, destination, originalDestination, TLS, sni, alpn);
    }

    public ConnectionInfo withApplicationProtocols(List<String> protocols) {
        return new ConnectionInfo(source, destination, originalDestination, transportProtocol, serverName, protocols);
    }
}
