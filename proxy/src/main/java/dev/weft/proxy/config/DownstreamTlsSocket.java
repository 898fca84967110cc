package dev.weft.proxy.config;

import dev.weft.proxy.tls.TlsContextConfig;
import io.netty.handler.ssl.SslContext;
import java.util.Optional;

/**
 * A filter chain's {@code envoy.transport_sockets.tls}: its DownstreamTlsContext converted, and
 * the context built from it. Conversion leaves {@code context} empty; the snapshot assembler
 * ({@code xds.TlsAssembly}) fills it once the SDS secrets the context names have arrived: a
 * listener whose chains are not all built keeps warming, so a chain that serves always has one.
 *
 * @param tls     the DownstreamTlsContext
 * @param context the built server context (certificates, validation, ALPN); empty while warming
 */
public record DownstreamTlsSocket(TlsContextConfig tls, Optional<SslContext> context) implements TransportSocketConfig {

    public DownstreamTlsSocket(TlsContextConfig tls) {
        this(tls, Optional.empty());
    }

    @Override
    public String name() {
        return TlsConverter.TRANSPORT_SOCKET;
    }

    /** This socket with its built context. */
    public DownstreamTlsSocket withContext(SslContext built) {
        return new DownstreamTlsSocket(tls, Optional.of(built));
    }
}
