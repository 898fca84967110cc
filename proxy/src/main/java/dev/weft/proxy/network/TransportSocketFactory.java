package dev.weft.proxy.network;

import dev.weft.proxy.config.TransportSocketConfig;
import io.netty.channel.ChannelHandler;

/**
 * Makes the handler of a filter chain's transport socket (downstream TLS: an SslHandler for the
 * chain's certificates). {@link NetworkFilters} puts it first on the connection's pipeline, before
 * the chain's network filter; bytes that listener filters (tls_inspector) read ahead are fed
 * through it. The proxy passes {@code tls.TlsTransportSockets} (downstream TLS) to
 * {@code ListenerManager} (via {@link NetworkContext}).
 */
@FunctionalInterface
public interface TransportSocketFactory {

    ChannelHandler newHandler(TransportSocketConfig config, ConnectionInfo connection);

    /** For listener managers that serve no transport socket (tests): a chain with one is a bug here. */
    TransportSocketFactory NONE = (config, connection) -> {
        throw new IllegalStateException("no transport socket implementation for " + config.name());
    };
}
