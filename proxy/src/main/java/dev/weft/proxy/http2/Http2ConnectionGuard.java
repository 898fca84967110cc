package dev.weft.proxy.http2;

import dev.weft.proxy.http.ConnectionEvent;
import dev.weft.proxy.stats.ProxyStats;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The last handler of an HTTP/2 connection (the streams have their own pipelines). It ends the
 * connection's pipeline: HTTP/1.1 handlers left behind by an upgrade are removed, connection-level
 * frames stop here. It counts protocol errors (the codec has already answered them with GOAWAY),
 * answers a PING/SETTINGS flood with GOAWAY ENHANCE_YOUR_CALM, and closes an idle connection.
 */
final class Http2ConnectionGuard extends ChannelInboundHandlerAdapter {

    /** PING and SETTINGS frames a client may send per window (grpc keepalive and BDP pings stay far below). */
    static final int MAX_CONTROL_FRAMES_PER_WINDOW = 5_000;
    static final long CONTROL_WINDOW_NANOS = 10_000_000_000L;

    private final String prefix;
    private final ProxyStats stats;
    private final int connectionWindow;
    private int controlFrames;
    private long windowStart = System.nanoTime();
    private boolean goingAway;

    Http2ConnectionGuard(String statPrefix, ProxyStats stats, int connectionWindow) {
        this.prefix = "http." + statPrefix + ".";
        this.stats = stats;
        this.connectionWindow = connectionWindow;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // After an upgrade or a prior-knowledge preface the HTTP/1.1 request handlers are still behind us.
        List<ChannelHandler> behind = new ArrayList<>();
        boolean after = false;
        for (var entry : ctx.pipeline()) {
            if (entry.getValue() == this) {
                after = true;
            } else if (after) {
                behind.add(entry.getValue());
            }
        }
        behind.forEach(ctx.pipeline()::remove);
        stats.inc(prefix + "downstream_cx_http2_total");
        stats.inc("downstream_cx_http2_total");
        if (connectionWindow > 65_535) {
            ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(connectionWindow - 65_535));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if ((msg instanceof Http2PingFrame ping && !ping.ack()) || msg instanceof Http2SettingsFrame) {
                long now = System.nanoTime();
                if (now - windowStart > CONTROL_WINDOW_NANOS) {
                    windowStart = now;
                    controlFrames = 0;
                }
                if (++controlFrames > MAX_CONTROL_FRAMES_PER_WINDOW) {
                    goAway(ctx, Http2Error.ENHANCE_YOUR_CALM, "http2.inbound_control_flood");
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ConnectionEvent.DRAIN) {
            // The codec's close is graceful: GOAWAY NO_ERROR now, the open streams finish, then it closes.
            goingAway = true;
            ctx.close();
        } else if (evt == ConnectionEvent.CONNECTION_IDLE || evt instanceof IdleStateEvent) {
            Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
            if (codec == null || codec.connection().numActiveStreams() == 0) {
                stats.inc("downstream_cx_idle_timeout");
                goAway(ctx, Http2Error.NO_ERROR, null);
            }
        }
        ReferenceCountUtil.release(evt);
    }

    private void goAway(ChannelHandlerContext ctx, Http2Error error, String stat) {
        if (goingAway) {
            return;
        }
        goingAway = true;
        if (stat != null) {
            stats.inc(stat);
            stats.inc(prefix + stat);
        }
        ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(error)).addListener(ChannelFutureListener.CLOSE);
    }

    /** The codec has already sent GOAWAY for a connection error and closes; this counts it. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Http2Exception http2 = cause instanceof Http2Exception e ? e
                : cause.getCause() instanceof Http2Exception e ? e : null;
        if (http2 == null) {
            ctx.close(); // I/O errors (reset by peer and the like)
            return;
        }
        String stat = statFor(http2);
        stats.inc(stat);
        stats.inc(prefix + stat);
        stats.inc(prefix + "downstream_cx_protocol_error");
    }

    /** Envoy's codec stat names where it has one for the abuse. */
    static String statFor(Http2Exception error) {
        String message = String.valueOf(error.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("rst frames")) {
            return "http2.too_many_premature_resets";
        }
        if (message.contains("empty data frames")) {
            return "http2.inbound_empty_frames_flood";
        }
        if (message.contains("continuation")) {
            return "http2.too_many_header_frames";
        }
        if (message.contains("control frames")) {
            return "http2.outbound_control_flood";
        }
        if (message.contains("header") && message.contains("size")) {
            return "http2.header_overflow";
        }
        return "http2.rx_messaging_error";
    }
}
