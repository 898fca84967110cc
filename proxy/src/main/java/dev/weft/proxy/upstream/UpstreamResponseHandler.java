package dev.weft.proxy.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Last handler of an upstream connection (or HTTP/2 stream): hands the response of the stream in
 * progress to it as it is decoded, head, chunks and end, nothing aggregated; and tells it when the
 * connection can take more of the request body or went away.
 */
final class UpstreamResponseHandler extends ChannelInboundHandlerAdapter {

    private UpstreamStream current;
    private boolean reused;
    /** An interim (1xx) response is being skipped: its empty last chunk too. */
    private boolean skippingInterim;

    /** Called before the request is written (from any thread); reads happen on the event loop. */
    synchronized void expect(UpstreamStream stream, boolean reusedConnection) {
        this.current = stream;
        this.reused = reusedConnection;
    }

    private synchronized UpstreamStream current() {
        return current;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        UpstreamStream stream = current();
        if (stream == null) {
            // A response nobody asked for: the connection is out of step; drop it.
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (msg instanceof HttpResponse response) {
            if (response.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                failed(ctx, new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL_ERROR,
                        String.valueOf(response.decoderResult().cause()), false));
                return;
            }
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL && response.status().code() != 101) {
                // 100 Continue and the like: the proxy answers Expect itself; interim responses go no further.
                skippingInterim = !(msg instanceof LastHttpContent);
                ReferenceCountUtil.release(msg);
                return;
            }
            stream.onHeaders(response);
            if (msg instanceof LastHttpContent) {
                detach(stream);
            }
            return;
        }
        if (msg instanceof HttpContent content) {
            if (content.decoderResult().isFailure()) {
                content.release();
                failed(ctx, new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL_ERROR,
                        String.valueOf(content.decoderResult().cause()), false));
                return;
            }
            if (skippingInterim) {
                skippingInterim = !(msg instanceof LastHttpContent);
                content.release();
                return;
            }
            if (msg instanceof LastHttpContent) {
                detach(stream);
            }
            stream.onBody(content);
            return;
        }
        ReferenceCountUtil.release(msg);
    }

    // The response is complete: the connection is no longer this stream's (a reused HTTP/1.1
    // connection gets its next stream through expect).
    private synchronized void detach(UpstreamStream stream) {
        if (current == stream) {
            current = null;
        }
    }

    private void failed(ChannelHandlerContext ctx, UpstreamFailure failure) {
        UpstreamStream stream = current();
        detach(stream);
        if (stream != null) {
            stream.onClosed(failure);
        }
        ctx.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        UpstreamStream stream = current();
        if (stream != null) {
            stream.onReadComplete();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        UpstreamStream stream = current();
        if (stream != null && ctx.channel().isWritable()) {
            stream.onWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        boolean wasReused;
        UpstreamStream stream;
        synchronized (this) {
            wasReused = reused;
            stream = current;
            current = null;
        }
        if (stream != null) {
            // On a reused connection the upstream may have closed it as idle just as we wrote:
            // the request was then never processed and is safe to send again.
            stream.onClosed(new UpstreamFailure(UpstreamFailure.Kind.CONNECTION_TERMINATION,
                    "upstream closed the connection", wasReused));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof UpstreamFailure failure) {
            failed(ctx, failure); // already classified (e.g. an HTTP/2 stream the host refused)
            return;
        }
        UpstreamFailure.Kind kind = cause instanceof io.netty.handler.codec.DecoderException
                || cause instanceof io.netty.handler.codec.TooLongFrameException
                ? UpstreamFailure.Kind.PROTOCOL_ERROR : UpstreamFailure.Kind.CONNECTION_TERMINATION;
        failed(ctx, new UpstreamFailure(kind, String.valueOf(cause), false));
    }
}
