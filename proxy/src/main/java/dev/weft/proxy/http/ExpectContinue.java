package dev.weft.proxy.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * {@code Expect: 100-continue} (RFC 9110 10.1.1): bodies stream (nothing is aggregated), so the proxy
 * answers {@code 100 Continue} itself as the request starts and forwards it without the expectation,
 * as Envoy does. What Netty's {@code HttpServerExpectContinueHandler} did as a pipeline handler, as a
 * call the connection manager makes for each request it starts (one handler less on every request's way).
 */
final class ExpectContinue {

    private ExpectContinue() {
    }

    /** Answers 100 Continue if {@code request} expects it, and drops the expectation from it. */
    static void answer(ChannelHandlerContext ctx, HttpRequest request) {
        if (!request.headers().contains(HttpHeaderNames.EXPECT) || !HttpUtil.is100ContinueExpected(request)) {
            return;
        }
        FullHttpResponse accept = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                Unpooled.EMPTY_BUFFER);
        accept.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        ctx.writeAndFlush(accept).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        request.headers().remove(HttpHeaderNames.EXPECT);
    }
}
