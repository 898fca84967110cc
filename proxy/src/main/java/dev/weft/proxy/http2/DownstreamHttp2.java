package dev.weft.proxy.http2;

import dev.weft.proxy.http.ConnectionEvent;
import dev.weft.proxy.http.codec.IdleTimer;
import dev.weft.proxy.config.HttpConnectionManagerConfig;
import dev.weft.proxy.stats.ProxyStats;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.AsciiString;
import java.util.function.Consumer;

/**
 * Downstream HTTP/2 for one listener. Every HTTP/2 stream becomes a child channel whose pipeline
 * turns its frames into an HTTP/1.1-style request ({@link Http2StreamFrameToHttpObjectCodec}) and
 * then runs the very handlers an HTTP/1.1 connection runs ({@code requestHandlers}: aggregation and
 * the connection manager), so routing, filters and local replies exist once for both protocols.
 *
 * <p>Ways in: on an HTTP port the HTTP/1.1 scanner hands over to {@link #connection()} for h2c by
 * prior knowledge (the client starts with the HTTP/2 preface) and to {@link #h2cUpgrade} for
 * {@code Upgrade: h2c}. For TLS, when ALPN picks
 * {@code h2}, add {@link #connection()} in place of the HTTP/1.1 codec (Netty's
 * {@code ApplicationProtocolNegotiationHandler.configurePipeline}: {@code "h2"} -> {@code connection()},
 * {@code "http/1.1"} -> the HTTP/1.1 codec and the request handlers).
 */
public final class DownstreamHttp2 {

    private final HttpConnectionManagerConfig http;
    private final ProxyStats stats;
    private final Consumer<ChannelPipeline> requestHandlers;

    /**
     * @param requestHandlers adds the handlers that take HTTP/1.1-style request objects (the same for
     *                        an HTTP/1.1 connection and for each HTTP/2 stream)
     */
    public DownstreamHttp2(HttpConnectionManagerConfig http, ProxyStats stats, Consumer<ChannelPipeline> requestHandlers) {
        this.http = http;
        this.stats = stats;
        this.requestHandlers = requestHandlers;
    }

    /**
     * For a cleartext HTTP port: the handler of one {@code Upgrade: h2c} request (the HTTP/1.1 scanner
     * puts it behind itself for such a request only). It takes the request whole, up to
     * {@code maxUpgradeRequestBytes}, answers 101 and installs HTTP/2 (the request becomes stream 1), or,
     * when the upgrade cannot be made, passes the request on as HTTP/1.1. HTTP/2 by prior knowledge
     * is the scanner's too: it installs {@link #connection()} when the client starts with the preface.
     */
    public ChannelHandler h2cUpgrade(HttpServerUpgradeHandler.SourceCodec http1, int maxUpgradeRequestBytes) {
        return new HttpServerUpgradeHandler(http1,
                protocol -> AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                        ? new Http2ServerUpgradeCodec(frameCodec(), multiplex(), guard()) {
                            // From here on the bytes are HTTP/2 frames: the HTTP/1.1 scanner steps aside
                            // once the HTTP/2 codec is in place, so that what it holds reaches that codec.
                            @Override
                            public void upgradeTo(ChannelHandlerContext ctx, io.netty.handler.codec.http.FullHttpRequest request) {
                                super.upgradeTo(ctx, request);
                                dev.weft.proxy.http.codec.Http1RequestScanner.remove(ctx.pipeline());
                            }
                        }
                        : null,
                maxUpgradeRequestBytes) {
            // Only h2c upgrades are ours: any other (WebSocket) passes on as it came, not aggregated.
            @Override
            protected boolean shouldHandleUpgradeRequest(io.netty.handler.codec.http.HttpRequest request) {
                String upgrade = request.headers().get(io.netty.handler.codec.http.HttpHeaderNames.UPGRADE);
                return upgrade != null && upgrade.toLowerCase(java.util.Locale.ROOT).contains("h2c");
            }
        };
    }

    /**
     * The handlers of a connection known to speak HTTP/2 (prior knowledge, or ALPN {@code h2}),
     * installed where this handler is added (not at the end of the pipeline).
     */
    public ChannelHandler connection() {
        return new ChannelHandlerAdapter() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                // In this order: the guard writes through the codec as soon as it is added.
                ctx.pipeline().addAfter(ctx.name(), "h2-codec", frameCodec())
                        .addAfter("h2-codec", "h2-multiplex", multiplex())
                        .addAfter("h2-multiplex", "h2-guard", guard());
                ctx.pipeline().remove(this);
            }
        };
    }

    private Http2FrameCodec frameCodec() {
        return Http2Codecs.server(http.http2(), http.limits().maxRequestHeadersKb() * 1024L);
    }

    private ChannelHandler guard() {
        return new Http2ConnectionGuard(http.statPrefix(), stats, http.http2().initialConnectionWindowSize());
    }

    private ChannelHandler multiplex() {
        return new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                if (!http.limits().streamIdleTimeout().isZero()) {
                    // A stream idle for its timeout is reset by the connection manager (STREAM_IDLE).
                    stream.pipeline().addLast(new IdleTimer(ConnectionEvent.STREAM_IDLE, http.limits().streamIdleTimeout()));
                }
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true))
                        .addLast(new StreamErrors(http.statPrefix(), stats));
                requestHandlers.accept(stream.pipeline());
            }
        });
    }
}
