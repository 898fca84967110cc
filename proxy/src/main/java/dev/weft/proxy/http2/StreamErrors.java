package dev.weft.proxy.http2;

import dev.weft.proxy.stats.ProxyStats;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Exception;

/**
 * On a downstream HTTP/2 stream: a malformed request found while converting it (e.g. conflicting
 * {@code :authority} and {@code host}) resets that stream with the error's code (PROTOCOL_ERROR),
 * not CANCEL, and is counted; the connection and its other streams go on.
 */
final class StreamErrors extends ChannelInboundHandlerAdapter {

    private final String prefix;
    private final ProxyStats stats;

    StreamErrors(String statPrefix, ProxyStats stats) {
        this.prefix = "http." + statPrefix + ".";
        this.stats = stats;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof Http2Exception http2) {
                stats.inc("http2.rx_messaging_error");
                stats.inc(prefix + "downstream_rq_protocol_error");
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(http2.error())).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        ctx.fireExceptionCaught(cause);
    }
}
