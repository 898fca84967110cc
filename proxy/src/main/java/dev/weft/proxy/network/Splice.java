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
import java.util.function.LongConsumer;

/**
 * Two connections on one event loop joined byte for byte (tcp_proxy, an upgraded WebSocket): each side's reads
 * are written to the other; a side stops reading while the other is not writable (backpressure); a
 * FIN is passed on as a half-close; both close when both directions are done, when either closes,
 * or after {@code idleTimeout} without bytes either way.
 */
public final class Splice {

    private final Channel first;
    private final Channel second;
    private final LongConsumer firstToSecond;
    private final LongConsumer secondToFirst;
    private final Runnable onIdle;
    private boolean firstDone;
    private boolean secondDone;
    private boolean closed;

    private Splice(Channel first, Channel second, LongConsumer firstToSecond, LongConsumer secondToFirst,
            Runnable onIdle) {
        this.first = first;
        this.second = second;
        this.firstToSecond = firstToSecond;
        this.secondToFirst = secondToFirst;
        this.onIdle = onIdle;
    }

    /**
     * Joins two active channels of the same event loop: call on that loop, with nothing else left
     * on either pipeline that reads. Bytes each way are counted; {@code onIdle} runs on an idle close.
     * {@code firstInputDone}: the first channel's peer already half-closed (its FIN is passed on).
     */
    public static void join(Channel first, Channel second, Duration idleTimeout, LongConsumer firstToSecond,
            LongConsumer secondToFirst, Runnable onIdle, boolean firstInputDone) {
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
        second.config().setAutoRead(first.isWritable());
        if (firstInputDone) {
            splice.inputDone(true);
        } else {
            first.config().setAutoRead(second.isWritable());
        }
    }

    // One side's peer sent its FIN: stop reading it, pass the FIN on, close once both are done.
    private void inputDone(boolean isFirst) {
        if (isFirst) {
            firstDone = true;
        } else {
            secondDone = true;
        }
        Channel done = isFirst ? first : second;
        done.config().setAutoRead(false);
        shutdownOutput(isFirst ? second : first);
        if (firstDone && secondDone) {
            closeBoth();
        }
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
                (isFirst ? firstToSecond : secondToFirst).accept(bytes.readableBytes());
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
                inputDone(isFirst);
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
