package dev.weft.proxy.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * On an upstream HTTP/2 stream: tells a stream the host never processed (RST_STREAM REFUSED_STREAM,
 * or above the last stream id of its GOAWAY, RFC 9113 8.7) from one that failed midway, so the
 * request may be sent again on another connection as Envoy does.
 */
final class RefusedStreams extends ChannelInboundHandlerAdapter {

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        boolean refused = evt instanceof Http2ResetFrame reset && reset.errorCode() == Http2Error.REFUSED_STREAM.code()
                // Netty hands a stream the GOAWAY only when the stream is above its last stream id.
                || evt instanceof Http2GoAwayFrame;
        ReferenceCountUtil.release(evt);
        if (refused) {
            ctx.fireExceptionCaught(new UpstreamFailure(UpstreamFailure.Kind.CONNECTION_TERMINATION,
                    "the host refused the stream (not processed)", true));
        }
    }
}
