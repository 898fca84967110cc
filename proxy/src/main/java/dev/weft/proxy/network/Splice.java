package dev.weft.proxy.network;

import dev.weft.proxy.net.EpollHalfClose;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Two connections on one event loop joined byte for byte (an upgraded WebSocket): each side's reads
 * are written to the other; a side stops reading while the other is not writable (backpressure); a
 * FIN is passed on as a half-close; both close when both directions are done, when either closes,
 * or after {@code idleTimeout} without bytes either way.
 */
public final class Splice {

    private final Channel first;
    private final Channel second;
    private final LongAdder firstToSecond;
    private final LongAdder secondToFirst;
    private final Runnable onIdle;
    private boolean firstDone;
    private boolean secondDone;
    private boolean closed;

    private Splice(Channel first, Channel second, LongAdder firstToSecond, LongAdder secondToFirst, Runnable onIdle) {
        this.first = first;
        this.second = second;
        this.firstToSecond = firstToSecond;
        this.secondToFirst = secondToFirst;
        this.onIdle = onIdle;
    }

    /**
     * Joins two active channels of the same event loop: call on that loop, with nothing else left
     * on either pipeline that reads. Bytes each way are counted; {@code onIdle} runs on an idle close.
     */
    public static void join(Channel first, Channel second, Duration idleTimeout, LongAdder firstToSecond,
            LongAdder secondToFirst, Runnable onIdle) {
        Splice splice = new Splice(first, second, firstToSecond, secondToFirst, onIdle);
        for (Channel channel : new Channel[] {first, second}) {
            channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            EpollHalfClose.keepRegistered(channel);
            if (!idleTimeout.isZero()) {
                channel.pipeline().addLast("splice-idle", new IdleStateHandler(0, 0, idleTimeout.toMillis(),
                        TimeUnit.MILLISECONDS));
            }
        }
        first.pipeline().addLast("splice", splice.new Side(true));
        second.pipeline().addLast("splice", splice.new Side(false));
        first.config().setAutoRead(second.isWritable());
        second.config().setAutoRead(first.isWritable());
    }

    private void closeBoth() {
        if (closed) {
            return;
        }
        closed = true;
        first.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        second.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** Shuts a channel's output down once what was written before is flushed (a FIN passed on). */
    public static void shutdownOutput(Channel channel) {
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(future -> {
            if (channel instanceof DuplexChannel duplex && channel.isActive()) {
                duplex.shutdownOutput();
            }
        });
    }

    private final class Side extends ChannelInboundHandlerAdapter {

        private final boolean isFirst;

        Side(boolean isFirst) {
            this.isFirst = isFirst;
        }

        private Channel other() {
            return isFirst ? second : first;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof ByteBuf bytes && !closed) {
                (isFirst ? firstToSecond : secondToFirst).add(bytes.readableBytes());
                other().write(bytes, other().voidPromise());
            } else {
                ReferenceCountUtil.release(message);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            other().flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (!(isFirst ? secondDone : firstDone)) {
                other().config().setAutoRead(ctx.channel().isWritable());
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                if (isFirst) {
                    firstDone = true;
                } else {
                    secondDone = true;
                }
                ctx.channel().config().setAutoRead(false);
                shutdownOutput(other());
                if (firstDone && secondDone) {
                    closeBoth();
                }
            } else if (event instanceof IdleStateEvent) {
                if (!closed) {
                    onIdle.run();
                }
                closeBoth();
            } else {
                ctx.fireUserEventTriggered(event);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeBoth();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closeBoth();
        }
    }
}
