package dev.weft.proxy.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import java.util.concurrent.CompletableFuture;

/** Last handler of an upstream connection: hands each whole response to the request waiting for it. */
final class UpstreamResponseHandler extends ChannelInboundHandlerAdapter {

    private CompletableFuture<FullHttpResponse> waiting;
    private boolean reused;

    /** Called from any thread before the request is written; the read happens on the event loop. */
    synchronized void expect(CompletableFuture<FullHttpResponse> response, boolean reusedConnection) {
        this.waiting = response;
        this.reused = reusedConnection;
    }

    private synchronized CompletableFuture<FullHttpResponse> take() {
        CompletableFuture<FullHttpResponse> taken = waiting;
        waiting = null;
        return taken;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        CompletableFuture<FullHttpResponse> response = take();
        if (msg instanceof FullHttpResponse full && response != null) {
            if (full.decoderResult().isFailure()) {
                full.release();
                response.completeExceptionally(new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL_ERROR,
                        String.valueOf(full.decoderResult().cause()), false));
                ctx.close();
                return;
            }
            response.complete(full);
        } else {
            // A response nobody asked for: the connection is out of step; drop it.
            io.netty.util.ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        boolean wasReused;
        synchronized (this) {
            wasReused = reused;
        }
        CompletableFuture<FullHttpResponse> response = take();
        if (response != null) {
            // On a reused connection the upstream may have closed it as idle just as we wrote:
            // the request was then never processed and is safe to send again.
            response.completeExceptionally(new UpstreamFailure(UpstreamFailure.Kind.CONNECTION_TERMINATION,
                    "upstream closed the connection", wasReused));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        CompletableFuture<FullHttpResponse> response = take();
        if (response != null && cause instanceof UpstreamFailure failure) {
            response.completeExceptionally(failure); // already classified (e.g. an HTTP/2 stream the host refused)
        } else if (response != null) {
            UpstreamFailure.Kind kind = cause instanceof io.netty.handler.codec.DecoderException
                    || cause instanceof io.netty.handler.codec.TooLongFrameException
                    ? UpstreamFailure.Kind.PROTOCOL_ERROR : UpstreamFailure.Kind.CONNECTION_TERMINATION;
            response.completeExceptionally(new UpstreamFailure(kind, String.valueOf(cause), false));
        }
        ctx.close();
    }
}
