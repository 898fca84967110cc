package dev.weft.proxy.http.codec;

import dev.weft.proxy.http.ConnectionEvent;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Fires {@link ConnectionEvent#CONNECTION_IDLE} or {@link ConnectionEvent#STREAM_IDLE} when a
 * connection has neither read nor written for its timeout. Output counts as activity only while it
 * progresses: a client that stops reading its response is idle even though a write is pending.
 */
public final class IdleTimer extends IdleStateHandler {

    private final ConnectionEvent event;

    public IdleTimer(ConnectionEvent event, Duration timeout) {
        super(true, 0, 0, timeout.toNanos(), TimeUnit.NANOSECONDS);
        this.event = event;
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent idle) {
        ctx.fireUserEventTriggered(event);
    }
}
