package dev.weft.proxy.upstream;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/** A TLS cluster's client side: its context and the SNI it sends (Envoy sends none when {@code sni} is empty). */
record UpstreamTls(SslContext context, String sni) {

    SslHandler newHandler(ByteBufAllocator alloc, InetSocketAddress address) {
        SslHandler handler = sni.isEmpty() ? context.newHandler(alloc)
                : context.newHandler(alloc, sni, address.getPort());
        SSLEngine engine = handler.engine();
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(sni.isEmpty() ? List.of() : List.of(new SNIHostName(sni)));
        engine.setSSLParameters(parameters);
        return handler;
    }
}
