package dev.weft.proxy.upstream;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/** A TLS cluster's client side: its context and the SNI it sends (Envoy sends none when {@code sni} is empty). */
record UpstreamTls(SslContext context, String sni) {

    /**
     * Calls {@code connected} once the connection is usable: connected over TCP, then, when the
     * channel has a TLS handler, its handshake done; with null, or with why it failed.
     */
    static void whenConnected(ChannelFuture connecting, InetSocketAddress address, Consumer<String> connected) {
        connecting.addListener(done -> {
            SslHandler ssl = done.isSuccess() ? connecting.channel().pipeline().get(SslHandler.class) : null;
            if (ssl != null) {
                ssl.handshakeFuture().addListener(handshake -> connected.accept(handshake.isSuccess()
                        ? null : "TLS handshake with " + address + " failed: " + handshake.cause().getMessage()));
            } else {
                connected.accept(done.isSuccess() ? null
                        : done.cause() instanceof ConnectTimeoutException ? "connect timeout to " + address
                        : "cannot connect to " + address + ": " + done.cause().getMessage());
            }
        });
    }

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
