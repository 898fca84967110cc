package dev.weft.proxy.network;

import dev.weft.proxy.config.HttpConnectionManagerConfig;
import dev.weft.proxy.config.ProxyLimits;
import dev.weft.proxy.http.codec.Http1RequestScanner;
import dev.weft.proxy.http.codec.IdleTimer;
import dev.weft.proxy.config.ListenerConfig.FilterChainConfig;
import dev.weft.proxy.config.TcpProxyConfig;
import dev.weft.proxy.http.AbsoluteUrlHandler;
import dev.weft.proxy.http.HttpConnectionManagerHandler;
import dev.weft.proxy.http.ServedListener;
import dev.weft.proxy.http.WebSocketUpgradeHandler;
import dev.weft.proxy.network.tcp.TcpProxyHandler;
import dev.weft.proxy.http2.DownstreamHttp2;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.channel.ChannelPipeline;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Puts a filter chain on a connection's pipeline once the chain is chosen: the chain's transport
 * socket (if any) first, then its terminal network filter, the HTTP connection manager (codec,
 * {@link HttpConnectionManagerHandler}, bodies streamed, and the WebSocket upgrade when enabled) or the
 * TCP proxy.
 */
public final class NetworkFilters {

    private NetworkFilters() {
    }

    /**
     * @param http     the chain's HTTP connection manager as currently configured (asked per request,
     *                 so open connections take new routes); unused for a TCP proxy chain
     * @param draining whether the listener is draining
     */
    public static void install(Channel channel, FilterChainConfig chain, Supplier<ServedListener> http,
            ConnectionInfo connection, NetworkContext context, BooleanSupplier draining) {
        chain.transportSocket().ifPresent(socket -> channel.pipeline().addLast("transport-socket",
                context.transportSockets().newHandler(socket, connection)));
        switch (chain.filter()) {
            case HttpConnectionManagerConfig hcm -> installHttp(channel, hcm, http, context, draining);
            case TcpProxyConfig tcp -> channel.pipeline().addLast("tcp-proxy",
                    new TcpProxyHandler(tcp, connection, context));
        }
    }

    /**
     * Idle timers, then for HTTP/1.1 {@link Http1RequestScanner} (the decoder: strict RFC 9112
     * checks, header and request timeouts, absolute-form targets, hands h2c to HTTP/2) with Netty's
     * response encoder, the WebSocket upgrade when enabled (the scanner adds it for an upgrade request; it
     * removes both once upgraded), and the
     * connection manager (it answers Expect: 100-continue; bodies stream through it, not aggregated).
     */
    private static void installHttp(Channel channel, HttpConnectionManagerConfig http, Supplier<ServedListener> served,
            NetworkContext context, BooleanSupplier draining) {
        context.stats().inc("http." + http.statPrefix() + ".downstream_cx_total");
        AtomicLong active = context.stats().gauge("http." + http.statPrefix() + ".downstream_cx_active");
        active.incrementAndGet();
        channel.closeFuture().addListener(closed -> active.decrementAndGet());
        ProxyLimits.Http limits = http.limits();
        IdleTimer idle = IdleTimer.of(limits.idleTimeout(), limits.streamIdleTimeout()); // one handler for both
        if (idle != null) {
            channel.pipeline().addLast(idle);
        }
        // Each HTTP/2 stream: its request objects go to the same connection manager as HTTP/1.1's.
        Consumer<ChannelPipeline> streamHandlers = pipeline -> {
            if (http.allowAbsoluteUrl()) {
                pipeline.addLast(new AbsoluteUrlHandler()); // HTTP_PROXY mode (HTTP/1.1: the scanner does it)
            }
            pipeline.addLast(new HttpConnectionManagerHandler(served, context.clusters(), context.stats(), draining,
                    context.accessLogs()));
        };
        DownstreamHttp2 http2 = new DownstreamHttp2(http, context.stats(), streamHandlers);
        // The WebSocket upgrade is put in front of the connection manager by the scanner, for an upgrade request.
        Supplier<ChannelHandler> webSocket = http.websocket()
                ? () -> new WebSocketUpgradeHandler(served, context.clusters(), context.stats(), context.transport())
                : null;
        Consumer<ChannelPipeline> http1Handlers = pipeline -> pipeline.addLast(
                new HttpConnectionManagerHandler(served, context.clusters(), context.stats(), draining,
                        context.accessLogs()));
        if (channel.pipeline().get(SslHandler.class) != null) {
            // TLS: ALPN "h2" takes DownstreamHttp2.connection(); "http/1.1" (or no ALPN) the HTTP/1.1 codec.
            channel.pipeline().addLast(new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                @Override
                protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                        ctx.pipeline().addLast(http2.connection());
                    } else {
                        Http1RequestScanner.install(ctx.pipeline(), limits,
                                Http1RequestScanner.Options.http1Only(http.allowAbsoluteUrl(), webSocket));
                        http1Handlers.accept(ctx.pipeline());
                    }
                }

                @Override
                protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
                    ctx.close(); // a failed or timed-out handshake: nothing to answer in HTTP
                }
            });
            return;
        }
        // HTTP/1.1, or h2c by prior knowledge or Upgrade (the scanner hands those over).
        Http1RequestScanner.install(channel.pipeline(), limits, new Http1RequestScanner.Options(http.allowAbsoluteUrl(),
                http2::connection, http1 -> http2.h2cUpgrade(http1, limits.bodyBufferLimitBytes()), webSocket));
        http1Handlers.accept(channel.pipeline());
    }
}
