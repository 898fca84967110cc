package dev.weft.proxy.tls;

import dev.weft.proxy.config.DownstreamTlsSocket;
import dev.weft.proxy.config.TransportSocketConfig;
import dev.weft.proxy.network.ConnectionInfo;
import dev.weft.proxy.network.TransportSocketFactory;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SslHandler;

/**
 * Downstream TLS as a filter chain's transport socket: the {@link SslHandler} of the chain's own
 * context. The chain was chosen before (its {@code server_names} against the SNI tls_inspector read,
 * {@code listener.FilterChainSelector}), so the context is the chain's, not looked up by SNI here;
 * the ClientHello bytes the inspector read are replayed into this handler.
 */
public final class TlsTransportSockets implements TransportSocketFactory {

    /** Bound on the handshake, as Envoy's transport_socket_connect_timeout bounds a slow client. */
    static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    @Override
    public ChannelHandler newHandler(TransportSocketConfig config, ConnectionInfo connection) {
        if (!(config instanceof DownstreamTlsSocket tls)) {
            throw new IllegalStateException("no transport socket implementation for " + config.name());
        }
        // A chain serves only once its listener warmed, i.e. once its context was built.
        SslHandler handler = tls.context().orElseThrow(() -> new IllegalStateException(
                "TLS chain served before its context was built")).newHandler(ByteBufAllocator.DEFAULT);
        handler.setHandshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS);
        return handler;
    }
}
